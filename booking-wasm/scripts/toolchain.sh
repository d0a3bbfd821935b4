# Sourced by the wasm scripts: finds or installs a way to build for
# wasm32-unknown-unknown and defines `wasm_cargo` (cargo for that target)
# and WASM_TARGET_DIR. Never calls `rustup target add` (it hangs here).

need_apt() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" >/dev/null
    fi
}

# wasm-opt, the browser and its driver, whichever compiler is used.
need_apt binaryen chromium chromium-driver

if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    WASM_TARGET_DIR=target
    wasm_cargo() { cargo "$1" --target wasm32-unknown-unknown "${@:2}"; }
else
    need_apt rustc-web cargo-web rust-web-src lld
    # Its own target dir: the two compilers must never share a build cache.
    WASM_TARGET_DIR=target/wasm-debian
    wasm_cargo() {
        RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld \
            /usr/bin/cargo "$1" --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort \
            --target-dir "$WASM_TARGET_DIR" "${@:2}"
    }
fi

# No reference types: Debian's wasm-opt (binaryen 108) retypes the externref
# table wasm-bindgen makes with them, and the module then fails to load.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=-reference-types"

# The CLI must be the exact version of the crate (from Cargo.lock).
WASM_BINDGEN_VERSION=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    echo "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)" >&2
    cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
