//! The real app paired with the real platform: `ispdesk-cloud` on a throwaway PostgreSQL.
//! The owner pairs from Pengaturan → Platform with the URL and the one-time code, the top
//! bar says the books are synced, and a customer added at the counter reaches the
//! platform's RADIUS tables through the app's own background sync, with nobody asking. When
//! the platform goes away the app keeps working and says it is offline; a customer added
//! meanwhile arrives by itself once the platform is back.
//! This proves what the engine tests cannot: that the running app starts its sync job,
//! keeps the device token it was given, and reports its state on screen.

use anyhow::{Result, bail};
use ispdesk_e2e::App;
use ispdesk_e2e::Input::Text;
use ispdesk_platform_tests::Platform;
use std::time::{Duration, Instant};

const OWNER: (&str, &str, &str) = ("Budi Santoso", "budi", "Warung2026!");
const CUSTOMERS: [(&str, &str); 2] = [
    ("dewi.anggraini", "Kenanga-2026"),
    ("rudi.hartono", "Cempaka-2026"),
];

#[tokio::test(flavor = "multi_thread")]
async fn the_app_pairs_and_its_customers_reach_the_platform() -> Result<()> {
    let mut platform = Platform::start().await?;
    let (tenant, code) = platform.create_tenant("berkah", 100).await?;
    let app = App::start().await?;
    let result = run(&app, &mut platform, &tenant, &code).await;
    if result.is_err() {
        let _ = app.screenshot("platform-failure").await;
    }
    app.stop().await?;
    platform.stop().await?;
    result
}

async fn run(app: &App, platform: &mut Platform, tenant: &str, code: &str) -> Result<()> {
    app.wait_for("[data-testid=setup-step-1]").await?;
    app.set_up_isp("Berkah Net", OWNER).await?;
    app.wait_for_text("[data-testid=sync-word]", "Belum terhubung")
        .await?;

    app.open_screen("platform").await?;
    app.submit_form(
        "[data-testid=pairing-form]",
        &[Text("platform_url", &platform.url()), Text("code", code)],
    )
    .await?;
    app.wait_for_text("[data-testid=tenant-name]", "ISP berkah")
        .await?;
    // The first sync (the owner, the company) runs by itself.
    sync_says(app, "Tersinkron", Duration::from_secs(60)).await?;
    app.screenshot("platform-paired").await?;

    // A customer at the counter reaches the platform's RADIUS tables.
    add_customer(app, "Dewi Anggraini", CUSTOMERS[0]).await?;
    reaches_platform(platform, tenant, CUSTOMERS[0], Duration::from_secs(30)).await?;
    sync_says(app, "Tersinkron", Duration::from_secs(30)).await?;
    app.screenshot("platform-customer-synced").await?;

    // The internet goes; the counter keeps working, and the top bar says so.
    platform.stop().await?;
    add_customer(app, "Rudi Hartono", CUSTOMERS[1]).await?;
    sync_says(app, "Offline", Duration::from_secs(30)).await?;
    app.screenshot("platform-offline").await?;

    // It comes back: the change made offline arrives by itself.
    platform.restart().await?;
    reaches_platform(platform, tenant, CUSTOMERS[1], Duration::from_secs(90)).await?;
    sync_says(app, "Tersinkron", Duration::from_secs(30)).await?;
    Ok(())
}

async fn add_customer(app: &App, name: &str, (username, password): (&str, &str)) -> Result<()> {
    app.open_screen("customers").await?;
    app.click_text("main button", "Tambah pelanggan").await?;
    app.submit_form(
        "[data-testid=customer-form]",
        &[
            Text("name", name),
            Text("username", username),
            Text("password", password),
            Text("phone", "0857-2222-3333"),
        ],
    )
    .await?;
    app.wait_for(&format!("tr[data-username='{username}']"))
        .await?;
    Ok(())
}

/// Waits for the top bar's sync state to say `word`.
async fn sync_says(app: &App, word: &str, within: Duration) -> Result<()> {
    app.wait_for_text_within("[data-testid=sync-word]", word, within)
        .await?;
    Ok(())
}

/// Waits for the customer's password in the platform's radcheck, under this tenant.
async fn reaches_platform(
    platform: &Platform,
    tenant: &str,
    (username, password): (&str, &str),
    within: Duration,
) -> Result<()> {
    let sql = format!(
        "SELECT value FROM radcheck WHERE tenant_id = '{tenant}' AND username = '{username}' AND attribute = 'Cleartext-Password'"
    );
    let deadline = Instant::now() + within;
    loop {
        let value = platform.psql(&sql)?;
        if value == password {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{username} did not reach the platform within {within:?} (radcheck: {value:?})");
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
