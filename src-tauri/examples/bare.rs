//! The smallest Tauri 2 window: an empty page and nothing else. `cargo xtask bench`
//! measures it beside ispdesk, as the baseline for start-up time and memory.

fn main() {
    let started = std::time::Instant::now();
    tauri::Builder::default()
        .on_page_load(move |_, payload| {
            if matches!(payload.event(), tauri::webview::PageLoadEvent::Finished) {
                eprintln!("bare ready after {} ms", started.elapsed().as_millis());
            }
        })
        .run(tauri::generate_context!("examples/bare/tauri.conf.json"))
        .expect("the bare window runs");
}
