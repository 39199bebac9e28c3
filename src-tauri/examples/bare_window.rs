//! The launch benchmark's baseline: a bare Tauri window of the same Tauri version, showing one
//! heading, started and measured exactly as DSL Desk is (see `tests/bench/launch.mjs`). With
//! `--no-compositing` it draws without accelerated compositing, as DSL Desk does, so the two can
//! also be compared like for like.

fn main() {
    let no_compositing = std::env::args().any(|a| a == "--no-compositing");
    let result = tauri::Builder::default()
        .setup(move |app| {
            #[cfg(target_os = "linux")]
            if no_compositing {
                use tauri::Manager;
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.with_webview(|w| {
                        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
                        if let Some(settings) = WebViewExt::settings(&w.inner()) {
                            settings.set_hardware_acceleration_policy(
                                HardwareAccelerationPolicy::Never,
                            );
                        }
                    });
                }
            }
            #[cfg(not(target_os = "linux"))]
            let _ = (app, no_compositing);
            Ok(())
        })
        .run(tauri::generate_context!("examples/bare/tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("bare window: {e}");
        std::process::exit(1);
    }
}
