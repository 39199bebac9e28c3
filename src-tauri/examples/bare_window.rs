//! The launch benchmark's baseline: a bare Tauri window of the same Tauri version, showing one
//! heading, started and measured exactly as DSL Desk is (see `tests/bench/launch.mjs`).

fn main() {
    if let Err(e) =
        tauri::Builder::default().run(tauri::generate_context!("examples/bare/tauri.conf.json"))
    {
        eprintln!("bare window: {e}");
        std::process::exit(1);
    }
}
