//! DSL Desk's desktop shell: the window, the state and the command list. Thin glue only.

mod cli;
mod commands;
mod dialogs;
mod error;
mod paths;
mod state;
#[cfg(target_os = "linux")]
mod system_lock;
#[cfg(windows)]
#[path = "system_lock_windows.rs"]
mod system_lock;

#[cfg(test)]
mod command_list_tests;
#[cfg(test)]
mod ipc_tests;

use std::time::Duration;

use tauri::webview::NewWindowResponse;
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

use state::{AppState, Moment};

/// The only window title ever shown: no names or case details.
const WINDOW_TITLE: &str = "DSL Desk";

/// True for the app's own pages (and the dev server in development).
fn is_app_url(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => true,
        "http" | "https" if url.host_str() == Some("tauri.localhost") => true,
        "http" if tauri::is_dev() => url.host_str() == Some("localhost"),
        _ => false,
    }
}

/// Every command the UI may call: each `#[tauri::command]` in `src/commands`, listed by build.rs.
fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    include!(concat!(env!("OUT_DIR"), "/handler.rs"))
}

/// Why a release build refuses to start, or `None` if it may: a release build without the
/// embedded UI would load its pages from a local web server, which any program could be. Tauri's
/// own flag is read, so a build made by the Tauri CLI (which sets it) passes as well.
fn unsafe_build() -> Option<&'static str> {
    (!cfg!(debug_assertions) && tauri::is_dev()).then_some(
        "this release build has no embedded UI and would load it from a local web server; \
         build it with `--features custom-protocol`, as scripts/run.sh does",
    )
}

/// Stops GTK noting the files chosen in the save and open dialogs (every saved report, backup
/// and fingerprinted evidence file) in the desktop's recent-files list,
/// ~/.local/share/recently-used.xbel, where anyone using the account would see their names.
/// Called from `setup`, on the main thread once GTK has started.
#[cfg(target_os = "linux")]
fn forget_recent_files() {
    use gtk::prelude::GtkSettingsExt;
    if let Some(settings) = gtk::Settings::default() {
        settings.set_gtk_recent_files_enabled(false);
    }
}

/// Has WebKitGTK draw the pages without accelerated compositing. The screens are forms and
/// lists with no animation, which software drawing shows as well; compositing (through the GPU,
/// or Mesa's software GL where there is none) more than doubles the web process's memory, and its
/// GL set-up adds to the time before the first screen shows. Measured by `scripts/bench.sh`.
#[cfg(target_os = "linux")]
fn render_without_compositing(window: &tauri::WebviewWindow) {
    let _ = window.with_webview(|w| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = WebViewExt::settings(&w.inner()) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
}

/// Starts DSL Desk.
pub fn run() {
    if let Some(why) = unsafe_build() {
        eprintln!("dsl-desk: refusing to start: {why}");
        std::process::exit(3);
    }
    let Some(vault_dir) = paths::vault_dir(std::env::args_os(), std::env::var_os(paths::VAULT_ENV))
    else {
        eprintln!("dsl-desk: no folder for the vault could be found; pass --vault DIR");
        std::process::exit(2);
    };
    if std::env::args_os().any(|a| a == cli::VERIFY_FLAG) {
        std::process::exit(cli::verify(&vault_dir));
    }
    let app_state = AppState::remembering(
        vault_dir,
        paths::demo_mode(std::env::args_os()),
        paths::seen_vaults(
            std::env::args_os(),
            std::env::var_os(dsl_store::seen::SEEN_VAULTS_ENV),
        ),
    );

    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(app_state)
        .setup(|app| {
            // The first screen depends on the vault's status: the page is given it as it starts
            // rather than asking for it once its script has run.
            let start = commands::vault::status_of(app.state::<AppState>().inner());
            let start = serde_json::to_string(&start).unwrap_or_else(|_| "null".into());
            let window =
                WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                    .initialization_script(format!("window.__DSL_DESK_START__ = {start};"))
                    .title(WINDOW_TITLE)
                    // WebView2 (Windows) would otherwise keep what is typed into forms, such as
                    // pupils' names, in its own profile outside the vault; elsewhere it does nothing.
                    .general_autofill_enabled(false)
                    .inner_size(1200.0, 820.0)
                    .min_inner_size(900.0, 600.0)
                    .on_navigation(is_app_url)
                    .on_new_window(|_, _| NewWindowResponse::Deny)
                    .on_document_title_changed(|window, _| {
                        let _ = window.set_title(WINDOW_TITLE);
                    })
                    .build()?;
            #[cfg(target_os = "linux")]
            render_without_compositing(&window);
            #[cfg(not(target_os = "linux"))]
            let _ = window;
            #[cfg(target_os = "linux")]
            forget_recent_files();

            // Asleep, or the screen locked: lock at once rather than wait for the idle limit.
            #[cfg(any(target_os = "linux", windows))]
            {
                let handle = app.handle().clone();
                system_lock::listen(std::sync::Arc::new(move || {
                    let state = handle.state::<AppState>();
                    let open = state.open().is_some();
                    if open {
                        commands::vault::lock_and_notify(&handle, state.inner(), "system");
                    }
                }));
            }

            // The wall clock, so that time asleep counts (see `IdleTimer`).
            let handle = app.handle().clone();
            std::thread::Builder::new()
                .name("idle-lock".into())
                .spawn(move || loop {
                    std::thread::sleep(Duration::from_secs(1));
                    let state = handle.state::<AppState>();
                    if state.lock_if_idle(Moment::now()) {
                        commands::vault::lock_and_notify(&handle, state.inner(), "idle");
                    }
                })?;
            Ok(())
        })
        .invoke_handler(handler())
        .build(tauri::generate_context!());
    match result {
        // Quitting locks the vault: its write-ahead log is folded into vault.db and the key
        // dropped before the process ends.
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                handle.state::<AppState>().lock();
            }
        }),
        Err(e) => {
            eprintln!("dsl-desk: the app could not start: {e}");
            std::process::exit(1);
        }
    }
}
