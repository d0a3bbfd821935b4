//! Prints the booking lifecycle's transition table and its Mermaid diagram
//! (the one embedded in the README): `cargo run --example transitions`.

use booking_core::{mermaid, TRANSITIONS};

fn main() {
    println!("{:<20} {:<45} {:<35} who", "command", "from", "to");
    for t in TRANSITIONS {
        let from: Vec<&str> = t.from.iter().map(|s| s.as_str()).collect();
        let to: Vec<&str> = t.to.iter().map(|s| s.as_str()).collect();
        let who: Vec<&str> = t.who.iter().map(|p| p.as_str()).collect();
        println!("{:<20} {:<45} {:<35} {}", t.command.as_str(), from.join(", "), to.join(", "), who.join(", "));
    }
    println!("\n```mermaid\n{}```", mermaid());
}
