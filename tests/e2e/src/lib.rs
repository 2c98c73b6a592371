//! Drives the real ispdesk binary (`APP_BINARY`, built with the UI embedded) in a real
//! window through `tauri-driver` and WebKitWebDriver. `cargo xtask test` builds the app,
//! installs the driver and runs these under Xvfb; run alone they say what is missing.

use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// One thing a person does in a form, in order, before submitting it.
pub enum Input<'a> {
    /// Types `value` into the field named `name`.
    Text(&'a str, &'a str),
    /// Picks the option of the select named `name` whose text contains the second value.
    Choose(&'a str, &'a str),
    /// Clicks the element matching the selector (a radio button, a checkbox).
    Click(&'a str),
}

/// One app process on a fresh data directory, and a WebDriver session on its window.
pub struct App {
    pub client: Client,
    driver: Child,
    pub data: tempfile::TempDir,
}

fn required_env(name: &str, hint: &str) -> Result<PathBuf> {
    let value = std::env::var_os(name).map(PathBuf::from).with_context(|| {
        format!("{name} is not set: {hint} (`cargo xtask test` does all of this)")
    })?;
    if !value.is_file() {
        bail!(
            "{name} points at {}, which does not exist: {hint}",
            value.display()
        );
    }
    Ok(value)
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Where screenshots go for people to look at.
pub fn screenshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots")
}

impl App {
    /// Starts the app on an empty data directory.
    pub async fn start() -> Result<App> {
        App::start_in(tempfile::tempdir()?).await
    }

    /// Closes the app and starts it again on the same data directory, as a person does the
    /// next morning.
    pub async fn restart(self) -> Result<App> {
        App::start_in(self.close().await).await
    }

    /// Closes the app and hands back its data directory, to look at or tamper with before
    /// [`App::start_in`] opens the app on it again.
    pub async fn close(self) -> tempfile::TempDir {
        let App {
            client,
            driver,
            data,
        } = self;
        close(client, driver).await;
        data
    }

    /// Starts the app on a data directory that may already hold its database.
    pub async fn start_in(data: tempfile::TempDir) -> Result<App> {
        let binary = required_env(
            "APP_BINARY",
            "build the app with `cargo build -p ispdesk --features custom-protocol` and point APP_BINARY at target/debug/ispdesk",
        )?;
        let driver_path = required_env(
            "TAURI_DRIVER",
            "install it with `cargo install tauri-driver --version ^2 --locked`",
        )?;
        let port = free_port()?;
        let native_port = free_port()?;
        let xdg = data.path().join("xdg");
        let mut driver = Command::new(&driver_path)
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            // The app and its webview inherit these: a fresh database and fresh web storage.
            .env("ISPDESK_DATA_DIR", data.path().join("ispdesk"))
            .env("XDG_DATA_HOME", xdg.join("data"))
            .env("XDG_CONFIG_HOME", xdg.join("config"))
            .env("XDG_CACHE_HOME", xdg.join("cache"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .context("starting tauri-driver")?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            if Instant::now() > deadline {
                let _ = driver.kill().await;
                bail!("tauri-driver did not listen on port {port}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert("tauri:options".into(), json!({ "application": binary }));
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("opening a WebDriver session on the app")?;
        Ok(App {
            client,
            driver,
            data,
        })
    }

    /// Waits for an element to be present and visible.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await
                && el.is_displayed().await.unwrap_or(false)
            {
                return Ok(el);
            }
            if Instant::now() > deadline {
                let _ = self.screenshot("timeout").await;
                bail!("`{css}` did not appear within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for an element whose text contains `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> Result<Element> {
        self.wait_for_text_within(css, text, Duration::from_secs(20))
            .await
    }

    /// Waits for an element whose text contains `text`, as long as `within`: for what the
    /// app's background jobs bring, on their own schedule.
    pub async fn wait_for_text_within(
        &self,
        css: &str,
        text: &str,
        within: Duration,
    ) -> Result<Element> {
        let deadline = Instant::now() + within;
        loop {
            for el in self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                // `textContent`, not WebDriver's rendered text, which WebKitWebDriver reports
                // empty for some inline elements.
                let content = el
                    .prop("textContent")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                if content.contains(text) {
                    return Ok(el);
                }
            }
            if Instant::now() > deadline {
                let _ = self.screenshot("timeout").await;
                bail!("no `{css}` containing {text:?} appeared within {within:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of the first element matching `css`, as it is now.
    pub async fn text(&self, css: &str) -> Result<String> {
        let el = self
            .client
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("no `{css}` on screen"))?;
        Ok(el.prop("textContent").await?.unwrap_or_default())
    }

    pub async fn fill(&self, css: &str, value: &str) -> Result<()> {
        let el = self.wait_for(css).await?;
        el.clear().await?;
        el.send_keys(value).await?;
        Ok(())
    }

    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css).await?.click().await?;
        Ok(())
    }

    pub async fn click_text(&self, css: &str, text: &str) -> Result<()> {
        self.wait_for_text(css, text).await?.click().await?;
        Ok(())
    }

    /// Chooses the option of a `<select>` whose text contains `text`, waiting for it to be
    /// offered (options often arrive with the screen's data). The choice is made the way a
    /// person's is seen by the page: the value changes and `change` fires.
    pub async fn select(&self, css: &str, text: &str) -> Result<()> {
        self.wait_for(css).await?;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let offered = self
                .client
                .execute(
                    "const [css, text] = arguments;
                     const select = document.querySelector(css);
                     const option = [...select.options].find((o) => o.textContent.includes(text));
                     if (!option) return [...select.options].map((o) => o.textContent.trim());
                     select.value = option.value;
                     select.dispatchEvent(new Event('change', { bubbles: true }));
                     return null;",
                    vec![json!(css), json!(text)],
                )
                .await?;
            if offered.is_null() {
                return Ok(());
            }
            if Instant::now() > deadline {
                let _ = self.screenshot("timeout").await;
                bail!("`{css}` offers no option containing {text:?}, only {offered}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fills the form matching `form`, input by input, then presses its submit button.
    pub async fn submit_form(&self, form: &str, inputs: &[Input<'_>]) -> Result<()> {
        for input in inputs {
            match *input {
                Input::Text(name, value) => {
                    self.fill(&format!("{form} [name={name}]"), value).await?
                }
                Input::Choose(name, text) => {
                    self.select(&format!("{form} [name={name}]"), text).await?
                }
                Input::Click(css) => self.click(&format!("{form} {css}")).await?,
            }
        }
        self.click(&format!("{form} button[type=submit]")).await
    }

    /// Opens a screen from the sidebar.
    pub async fn open_screen(&self, key: &str) -> Result<()> {
        self.click(&format!("[data-testid=sidebar] a[href='#/{key}']"))
            .await
    }

    /// The first-run wizard, filled in for a fresh ISP: afterwards the owner is signed in.
    pub async fn set_up_isp(&self, isp: &str, owner: (&str, &str, &str)) -> Result<()> {
        let (full_name, username, password) = owner;
        self.submit_form(
            "[data-testid=setup-step-1]",
            &[
                Input::Text("name", isp),
                Input::Text("address", "Jl. Melati 5, Sleman"),
                Input::Text("phone", "0812-3456-7890"),
            ],
        )
        .await?;
        self.submit_form(
            "[data-testid=setup-step-2]",
            &[
                Input::Text("full_name", full_name),
                Input::Text("username", username),
                Input::Text("password", password),
                Input::Text("repeat", password),
            ],
        )
        .await?;
        self.wait_for_text("[data-testid=staff-name]", full_name)
            .await?;
        Ok(())
    }

    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        // WebKit paints asynchronously: let two frames pass so the picture shows the DOM
        // the test just checked, not an earlier frame.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// Ends the session and stops the driver gracefully (SIGTERM: a killed driver leaves
    /// WebKitWebDriver behind).
    pub async fn stop(self) -> Result<()> {
        close(self.client, self.driver).await;
        Ok(())
    }
}

async fn close(client: Client, mut driver: Child) {
    let _ = client.close().await;
    if let Some(pid) = driver.id() {
        let _ = Command::new("kill").arg(pid.to_string()).status().await;
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), driver.wait()).await;
}
