//! A database moved to a machine without its key: what FreeRADIUS holds in clear is
//! sealed again, what exists nowhere else is asked for again.

use crate::fixture::Isp;
use ispdesk_core::{Core, CoreOptions};

#[test]
fn a_database_copied_without_its_key_recovers_passwords_and_radius_secrets() {
    let isp = Isp::new();
    let budi = isp.customer("budi");
    let before = isp.db.core.radius_snapshot().unwrap();
    let folder = isp.db.dir.path().join("cadangan");
    isp.db
        .core
        .set_backup_folder(
            &isp.owner,
            &ispdesk_core::SetBackupFolder {
                folder: folder.display().to_string(),
            },
        )
        .unwrap();
    let backup = isp.db.core.backup_now(&isp.owner).unwrap();

    // A new PC: the backup restored into a fresh data folder, no key file.
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("ispdesk.sqlite");
    std::fs::copy(&backup.path, &moved).unwrap();
    let core = Core::open_with(&moved, CoreOptions::default()).unwrap();
    assert_eq!(
        core.radius_snapshot().unwrap(),
        before,
        "FreeRADIUS sees the same rows"
    );
    let owner = crate::login(&core, "budi", crate::OWNER_PASSWORD)
        .unwrap()
        .actor;
    assert_eq!(
        core.reveal_customer_password(&owner, budi.id).unwrap(),
        "rahasia1"
    );
    let router = core.router_credentials(&owner, isp.router.id).unwrap();
    assert_eq!(
        router.api_password, None,
        "the API password existed only sealed: asked for again"
    );
    assert!(router.router.has_radius_secret && !router.router.has_api_password);
    assert_eq!(core.rebuilt_radius_snapshot().unwrap(), before);
    let log = core
        .list_activity(
            &owner,
            &ispdesk_core::ActivityQuery {
                entity_type: Some("secret_key".into()),
                page: 1,
                page_size: 5,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(log.items[0].action, "secrets_recovered");
    assert_eq!(
        log.items[0].new_values.as_ref().unwrap()["routers_needing_api_password"],
        1
    );
    // Opening again is quiet: the new key is recorded.
    drop(core);
    let again = Core::open_with(&moved, CoreOptions::default()).unwrap();
    let owner = crate::login(&again, "budi", crate::OWNER_PASSWORD)
        .unwrap()
        .actor;
    let log = again
        .list_activity(
            &owner,
            &ispdesk_core::ActivityQuery {
                entity_type: Some("secret_key".into()),
                page: 1,
                page_size: 5,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(log.total, 1);
}
