//! The real app on a fresh data directory: the first-run wizard, the dashboard, signing
//! out and in again, switching to English; then the app closed and opened again on the same
//! data, as the next morning: no wizard, the sign-in screen in the language chosen.
//! Screenshots land in `target/e2e-screenshots/`.

use ispdesk_e2e::App;

const OWNER: (&str, &str) = ("budi", "Warung2026!");

#[tokio::test(flavor = "multi_thread")]
async fn first_run_wizard_then_sign_in() -> anyhow::Result<()> {
    let app = App::start().await?;
    let result = run(&app).await;
    if result.is_err() {
        let _ = app.screenshot("failure").await;
        app.stop().await?;
        return result;
    }
    // The next morning: the same PC opens on the sign-in screen, in the language chosen.
    let app = app.restart().await?;
    let result = next_morning(&app).await;
    if result.is_err() {
        let _ = app.screenshot("failure-next-morning").await;
    }
    app.stop().await?;
    result
}

async fn next_morning(app: &App) -> anyhow::Result<()> {
    app.wait_for("form [name=username]").await?;
    app.wait_for_text("form button[type=submit]", "Sign in")
        .await?;
    app.wait_for_text("[data-testid=isp-name]", "Berkah Net")
        .await?;
    app.screenshot("login-next-morning").await?;
    app.fill("form [name=username]", OWNER.0).await?;
    app.fill("form [name=password]", OWNER.1).await?;
    app.click("form button[type=submit]").await?;
    app.wait_for_text("[data-testid=staff-name]", "Budi Santoso")
        .await?;
    app.wait_for_text("nav", "Backups").await?;
    Ok(())
}

async fn run(app: &App) -> anyhow::Result<()> {
    // A fresh data directory opens on the wizard, in Bahasa Indonesia.
    app.wait_for("[data-testid=setup-step-1]").await?;
    app.wait_for_text("h1", "Selamat datang").await?;
    app.screenshot("wizard").await?;

    app.fill("[data-testid=setup-step-1] [name=name]", "Berkah Net")
        .await?;
    app.fill(
        "[data-testid=setup-step-1] [name=address]",
        "Jl. Melati 5, Sleman",
    )
    .await?;
    app.fill("[data-testid=setup-step-1] [name=phone]", "0812-3456-7890")
        .await?;
    app.click("[data-testid=setup-step-1] button[type=submit]")
        .await?;

    app.fill(
        "[data-testid=setup-step-2] [name=full_name]",
        "Budi Santoso",
    )
    .await?;
    app.fill("[data-testid=setup-step-2] [name=username]", OWNER.0)
        .await?;
    // A weak password is refused with its reason before anything is saved.
    app.fill("[data-testid=setup-step-2] [name=password]", "budi123")
        .await?;
    app.fill("[data-testid=setup-step-2] [name=repeat]", "budi123")
        .await?;
    app.click("[data-testid=setup-step-2] button[type=submit]")
        .await?;
    app.wait_for_text("[data-testid=setup-step-2]", "minimal 8")
        .await?;
    app.screenshot("wizard-weak-password").await?;

    app.fill("[data-testid=setup-step-2] [name=password]", OWNER.1)
        .await?;
    app.fill("[data-testid=setup-step-2] [name=repeat]", OWNER.1)
        .await?;
    app.click("[data-testid=setup-step-2] button[type=submit]")
        .await?;

    // Signed in as the owner, on the dashboard.
    app.wait_for_text("[data-testid=staff-name]", "Budi Santoso")
        .await?;
    app.wait_for_text("[data-testid=isp-name]", "Berkah Net")
        .await?;
    app.wait_for_text("nav", "Cadangan").await?;
    app.screenshot("dashboard").await?;

    // Sign out, then in again.
    app.click("[data-testid=user-menu]").await?;
    app.click("[data-testid=logout]").await?;
    app.wait_for("form [name=username]").await?;
    app.wait_for_text("[data-testid=isp-name]", "Berkah Net")
        .await?;
    app.fill("form [name=username]", OWNER.0).await?;
    app.fill("form [name=password]", "salah-sandi-1").await?;
    app.click("form button[type=submit]").await?;
    app.wait_for_text("form", "salah").await?;
    app.fill("form [name=password]", OWNER.1).await?;
    app.screenshot("login").await?;
    app.click("form button[type=submit]").await?;
    app.wait_for_text("[data-testid=staff-name]", "Budi Santoso")
        .await?;
    app.screenshot("signed-in").await?;

    // English, chosen once, is what this PC shows from now on.
    app.click("button[aria-label=English]").await?;
    app.wait_for_text("nav", "Backups").await?;

    // The database is where the data directory says, with the owner in it.
    let db = app.data.path().join("ispdesk/ispdesk.sqlite");
    anyhow::ensure!(db.is_file(), "no database at {}", db.display());
    Ok(())
}
