//! The real app setting up an ISP on a (simulated) MikroTik router, as an owner would on the
//! first day: a router in `api` mode, its health, a bandwidth profile, a PPPoE profile, a
//! plan and a customer, all through the window. The app's own background job must then put
//! the customer's PPP secret on the router, and a suspension must disable it and end the
//! customer's session there. The router is `routeros-sim`, speaking the RouterOS API over
//! TCP on loopback, so this crosses every layer: Svelte → Tauri → ispdesk-core →
//! ispdesk-routers → routeros-api → the wire.

use anyhow::{Context, Result, bail};
use fantoccini::Locator;
use ispdesk_e2e::App;
use ispdesk_e2e::Input::{Choose, Click, Text};
use routeros_api::sim::{RouterVersion, SimConfig, Simulator};
use std::time::{Duration, Instant};

const OWNER: (&str, &str, &str) = ("Budi Santoso", "budi", "Warung2026!");
const API_USER: (&str, &str) = ("ispdesk", "Api-Rahasia-7");
const CUSTOMER: &str = "sri.lestari";

#[tokio::test(flavor = "multi_thread")]
async fn an_isp_on_its_router_from_the_window() -> Result<()> {
    let mut config = SimConfig::new(RouterVersion::V7).user(API_USER.0, API_USER.1);
    config.identity = "BERKAH-PUSAT".into();
    let sim = Simulator::start(config).await?;
    let app = App::start().await?;
    let result = run(&app, &sim).await;
    if result.is_err() {
        let _ = app.screenshot("subscribers-failure").await;
    }
    app.stop().await?;
    result
}

async fn run(app: &App, sim: &Simulator) -> Result<()> {
    app.wait_for("[data-testid=setup-step-1]").await?;
    app.set_up_isp("Berkah Net", OWNER).await?;

    // The router, in api mode, with the API account the app logs in with.
    app.open_screen("routers").await?;
    app.click_text("main button", "Tambah router").await?;
    let port = sim.address().port().to_string();
    app.submit_form(
        "[data-testid=router-form]",
        &[
            Text("name", "Router Pusat"),
            Text("short_name", "pusat"),
            Text("address", "127.0.0.1"),
            Text("radius_secret", "Rahasia-Pusat-9"),
            Text("api_username", API_USER.0),
            Text("api_password", API_USER.1),
            Text("api_port", &port),
            Click("input[name=provisioning_mode][value=api]"),
        ],
    )
    .await?;
    app.wait_for("tr[data-short-name=pusat]").await?;

    // Its page: test connection answers with the router's identity; health comes in.
    app.click_text("tr[data-short-name=pusat] button", "Buka")
        .await?;
    app.click_text("main button", "Tes koneksi").await?;
    app.wait_for_text("[data-testid=test-identity]", "BERKAH-PUSAT")
        .await?;
    app.wait_for("[data-testid=health-cards]").await?;
    app.screenshot("router-page").await?;

    // Speed, the PPPoE profile that carries it, and a plan.
    app.open_screen("bandwidth").await?;
    app.click_text("main button", "Tambah profil").await?;
    app.submit_form(
        "[data-testid=bandwidth-form]",
        &[
            Text("name", "10M"),
            Text("rate_up", "5M"),
            Text("rate_down", "10M"),
        ],
    )
    .await?;
    app.wait_for_text("[data-testid=bandwidth-table]", "5M/10M")
        .await?;

    app.open_screen("pppoe_hotspot").await?;
    app.click("[data-testid=pppoe-profiles] button").await?;
    app.submit_form(
        "[data-testid=profile-form]",
        &[
            Text("name", "paket-10m"),
            Choose("bandwidth_profile_id", "10M"),
        ],
    )
    .await?;
    app.wait_for_text("[data-testid=pppoe-profile-table]", "paket-10m")
        .await?;

    app.open_screen("plans").await?;
    app.click_text("main button", "Tambah paket").await?;
    app.submit_form(
        "[data-testid=plan-form]",
        &[
            Text("name", "PPPoE 10 Mbps"),
            Text("code", "PPP-10M"),
            Choose("service_type", "PPPoE"),
            Text("price", "150000"),
            Text("validity_value", "30"),
            Choose("validity_unit", "hari"),
            Choose("bandwidth_profile_id", "10M"),
            Text("profile_name", "paket-10m"),
        ],
    )
    .await?;
    app.wait_for_text("main table", "PPPoE 10 Mbps").await?;
    app.wait_for_text("main table", "Rp 150.000").await?;

    // The customer, on that plan and router.
    app.open_screen("customers").await?;
    app.click_text("main button", "Tambah pelanggan").await?;
    app.submit_form(
        "[data-testid=customer-form]",
        &[
            Text("name", "Sri Lestari"),
            Text("username", CUSTOMER),
            Text("password", "Melati-2026"),
            Text("phone", "0813-1111-2222"),
            Choose("service_type", "PPPoE"),
            Choose("plan_id", "PPPoE 10 Mbps"),
            Choose("router_id", "Router Pusat"),
        ],
    )
    .await?;
    app.wait_for(&format!("tr[data-username='{CUSTOMER}']"))
        .await?;
    app.screenshot("customer-added").await?;

    // Nobody pressed "apply": the app's provisioning job puts the profile and the secret on
    // the router by itself.
    let secret = until(sim, "/ppp/secret", "the customer's PPP secret", |row| {
        row.get("name") == Some(CUSTOMER)
    })
    .await?;
    assert_eq!(secret.get("password"), Some("Melati-2026"));
    assert_eq!(secret.get("profile"), Some("paket-10m"));
    assert_eq!(secret.bool("disabled"), Some(false));
    assert!(
        secret.get("comment").unwrap_or("").starts_with("ispdesk:"),
        "the secret is marked as the app's: {secret:?}"
    );
    let profile = until(sim, "/ppp/profile", "the PPP profile", |row| {
        row.get("name") == Some("paket-10m")
    })
    .await?;
    // rx/tx from the router's side: the customer uploads at 5M and downloads at 10M.
    assert_eq!(profile.get("rate-limit"), Some("5M/10M"));

    // The customer dials in; the app shows them online.
    sim.connect_ppp(CUSTOMER, "10.10.0.7".parse()?)
        .map_err(|e| anyhow::anyhow!("the router refused the session: {e:?}"))?;
    app.open_screen("online").await?;
    app.wait_for_text_within("main table", CUSTOMER, Duration::from_secs(45))
        .await?;
    // The router's count says what the list below it says, as soon as it says it.
    let count = app
        .text("[data-testid=online-routers] [aria-pressed=true] [data-testid=online-count]")
        .await?;
    assert_eq!(
        count.trim(),
        "1",
        "the router's count next to a list of one"
    );
    app.screenshot("online-users").await?;

    // Suspended at the counter: the secret is disabled and the session ends on the router.
    app.open_screen("customers").await?;
    app.click(&format!(
        "tr[data-username='{CUSTOMER}'] button[aria-label=Tangguhkan]"
    ))
    .await?;
    app.click("dialog[open] button[type=submit]").await?;
    app.wait_for_text(&format!("tr[data-username='{CUSTOMER}']"), "Ditangguhkan")
        .await?;
    until(sim, "/ppp/secret", "the secret disabled", |row| {
        row.get("name") == Some(CUSTOMER) && row.bool("disabled") == Some(true)
    })
    .await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while sim
        .rows("/ppp/active")
        .iter()
        .any(|row| row.get("name") == Some(CUSTOMER))
    {
        if Instant::now() > deadline {
            bail!("the suspended customer's session is still on the router");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.screenshot("customer-suspended").await?;

    // The day in the books: the dashboard counts it, the activity log says who did what.
    app.open_screen("dashboard").await?;
    app.wait_for_text("[data-testid=card-customers]", "dari 1 pelanggan")
        .await?;
    app.wait_for_text("[data-testid=card-routers]", "1").await?;
    app.screenshot("dashboard-day-one").await?;
    app.open_screen("activity").await?;
    app.wait_for_text("[data-testid=activity-table]", CUSTOMER)
        .await?;
    app.wait_for_text("[data-testid=activity-table]", "Tangguhkan")
        .await?;
    // The provisioning job's own entries, in the user's words.
    app.wait_for_text("[data-testid=activity-table] tr", "Provisioning router")
        .await?;
    app.wait_for_text("[data-testid=activity-table] tr", "Sistem")
        .await?;
    // The newest one is the suspension's: the secret changed and the session ended.
    app.wait_for_text("[data-testid=activity-table] tr", "Provisioning router")
        .await?
        .find(Locator::Css("button"))
        .await?
        .click()
        .await?;
    app.wait_for_text("[data-testid=activity-changes]", "Sesi diputus")
        .await?;
    app.screenshot("activity-day-one").await?;

    // A cashier for the counter: after signing in she sees the customers, and no router or
    // staff screens, which her role does not open.
    app.open_screen("staff").await?;
    app.click_text("main button", "Tambah staf").await?;
    app.submit_form(
        "[data-testid=add-staff-form]",
        &[
            Text("full_name", "Siti Aminah"),
            Text("username", "siti"),
            Choose("role", "Kasir"),
            Text("password", "Kasir-Melati-26"),
        ],
    )
    .await?;
    app.wait_for("tr[data-username=siti]").await?;
    app.click("[data-testid=user-menu]").await?;
    app.click("[data-testid=logout]").await?;
    app.fill("form [name=username]", "siti").await?;
    app.fill("form [name=password]", "Kasir-Melati-26").await?;
    app.click("form button[type=submit]").await?;
    app.wait_for_text("[data-testid=staff-name]", "Siti Aminah")
        .await?;
    app.open_screen("customers").await?;
    app.wait_for(&format!("tr[data-username='{CUSTOMER}']"))
        .await?;
    let menu = app.text("[data-testid=sidebar]").await?;
    for hidden in ["Router", "Staf", "Cadangan"] {
        assert!(
            !menu.contains(hidden),
            "a cashier's menu shows {hidden}: {menu}"
        );
    }
    app.screenshot("cashier-day-one").await?;
    Ok(())
}

/// Waits for a row of a router menu matching `wanted`: the provisioning job runs every few
/// seconds, so 30 s is several of its rounds.
async fn until(
    sim: &Simulator,
    path: &str,
    what: &str,
    wanted: impl Fn(&routeros_api::Row) -> bool,
) -> Result<routeros_api::Row> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(row) = sim.rows(path).into_iter().find(|row| wanted(row)) {
            return Ok(row);
        }
        if Instant::now() > deadline {
            return Err(anyhow::anyhow!("{:?}", sim.rows(path)))
                .with_context(|| format!("{what} did not reach the router's {path} in 30 s"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
