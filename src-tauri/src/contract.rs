//! Checks of the contract between this host and the UI: the generated TypeScript types
//! are current, and every error the core can report has a message in both languages.

use crate::commands::AppStatus;
use crate::subscribers::{
    DeleteNetworkItem, Edit, ExportCustomers, FilePath, Ref, RouterFilter, Save,
};
use ispdesk_core::{
    ActivityEntry, ActivityFacets, ActivityQuery, AppError, BackupInfo, BackupSettings,
    ChangeOwnPassword, ChangeStaffRole, DashboardSummary, ErrorCode, LoginInput, Page,
    ResetStaffPassword, RestoreBackup, SessionInfo, SetBackupFolder, SetStaffActive, SetupInput,
};
use ispdesk_core::{
    CustomerListItem, CustomerQuery, ImportPreview, ImportSummary, RadiusSettingsInput,
    UpdateCustomer,
};
use ispdesk_domain::bandwidth::{BandwidthInput, BandwidthProfile};
use ispdesk_domain::customer::{Customer, CustomerInput, CustomerStatus};
use ispdesk_domain::ip_pool::{IpPool, IpPoolInput};
use ispdesk_domain::network::{
    HotspotProfile, HotspotServer, PppoeProfile, PppoeServer, ProfileInput, ServerInput,
};
use ispdesk_domain::plan::{PlanInput, ServicePlan};
use ispdesk_domain::radius::RadiusSettings;
use ispdesk_domain::router::{Router, RouterInput};
use ispdesk_domain::staff::{NewStaff, StaffUser};
use ispdesk_domain::{CompanyInput, CompanyProfile, Currency, Permission, Role, ValidationCode};
use ispdesk_domain::{PppoeProfileId, RouterId};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use ts_rs::TS;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Every type a command takes or returns, with everything they reference.
fn export_bindings(dir: &Path) {
    let result: Result<(), ts_rs::ExportError> = (|| {
        AppStatus::export_all_to(dir)?;
        AppError::export_all_to(dir)?;
        SetupInput::export_all_to(dir)?;
        LoginInput::export_all_to(dir)?;
        SessionInfo::export_all_to(dir)?;
        CompanyInput::export_all_to(dir)?;
        CompanyProfile::export_all_to(dir)?;
        DashboardSummary::export_all_to(dir)?;
        StaffUser::export_all_to(dir)?;
        NewStaff::export_all_to(dir)?;
        ChangeStaffRole::export_all_to(dir)?;
        SetStaffActive::export_all_to(dir)?;
        ResetStaffPassword::export_all_to(dir)?;
        ChangeOwnPassword::export_all_to(dir)?;
        ActivityQuery::export_all_to(dir)?;
        Page::<ActivityEntry>::export_all_to(dir)?;
        ActivityFacets::export_all_to(dir)?;
        BackupInfo::export_all_to(dir)?;
        BackupSettings::export_all_to(dir)?;
        SetBackupFolder::export_all_to(dir)?;
        RestoreBackup::export_all_to(dir)?;
        Role::export_all_to(dir)?;
        Permission::export_all_to(dir)?;
        Currency::export_all_to(dir)?;
        ErrorCode::export_all_to(dir)?;
        ValidationCode::export_all_to(dir)?;
        // Subscribers (issue #3)
        Router::export_all_to(dir)?;
        RouterInput::export_all_to(dir)?;
        IpPool::export_all_to(dir)?;
        IpPoolInput::export_all_to(dir)?;
        BandwidthProfile::export_all_to(dir)?;
        BandwidthInput::export_all_to(dir)?;
        PppoeProfile::export_all_to(dir)?;
        HotspotProfile::export_all_to(dir)?;
        ProfileInput::export_all_to(dir)?;
        PppoeServer::export_all_to(dir)?;
        HotspotServer::export_all_to(dir)?;
        ServerInput::export_all_to(dir)?;
        ServicePlan::export_all_to(dir)?;
        PlanInput::export_all_to(dir)?;
        Customer::export_all_to(dir)?;
        CustomerInput::export_all_to(dir)?;
        CustomerStatus::export_all_to(dir)?;
        CustomerListItem::export_all_to(dir)?;
        CustomerQuery::export_all_to(dir)?;
        Page::<CustomerListItem>::export_all_to(dir)?;
        UpdateCustomer::export_all_to(dir)?;
        ImportPreview::export_all_to(dir)?;
        ImportSummary::export_all_to(dir)?;
        RadiusSettings::export_all_to(dir)?;
        RadiusSettingsInput::export_all_to(dir)?;
        Ref::<RouterId>::export_all_to(dir)?;
        Edit::<RouterId, RouterInput>::export_all_to(dir)?;
        Save::<PppoeProfileId, ProfileInput>::export_all_to(dir)?;
        RouterFilter::export_all_to(dir)?;
        DeleteNetworkItem::export_all_to(dir)?;
        FilePath::export_all_to(dir)?;
        ExportCustomers::export_all_to(dir)?;
        // Sync (issue #4)
        ispdesk_sync::SyncStatus::export_all_to(dir)?;
        ispdesk_core::PairingInfo::export_all_to(dir)?;
        crate::sync::PairPlatform::export_all_to(dir)?;
        Page::<ispdesk_core::AccountingSession>::export_all_to(dir)?;
        ispdesk_core::SessionQuery::export_all_to(dir)?;
        ispdesk_core::UsageQuery::export_all_to(dir)?;
        ispdesk_core::PlanUsage::export_all_to(dir)?;
        // Routers live (issue #5)
        ispdesk_routers::ConnectionTest::export_all_to(dir)?;
        ispdesk_routers::RouterStatus::export_all_to(dir)?;
        ispdesk_routers::OnlineSession::export_all_to(dir)?;
        ispdesk_routers::RouterImportResult::export_all_to(dir)?;
        ispdesk_routers::ApplyReport::export_all_to(dir)?;
        ispdesk_core::RouterImportPreview::export_all_to(dir)?;
        ispdesk_domain::provisioning::Diff::export_all_to(dir)?;
        crate::routers::ConfirmCertificate::export_all_to(dir)?;
        crate::routers::DisconnectSession::export_all_to(dir)?;
        crate::routers::ProvisioningRequest::export_all_to(dir)?;
        Ok(())
    })();
    result.expect("exporting the TypeScript bindings");
}

fn files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|e| e == "ts") {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(
                    rel,
                    std::fs::read_to_string(&path)
                        .unwrap()
                        .replace("\r\n", "\n"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The TypeScript in `ui/src/lib/bindings/` is generated from the Rust types. When this
/// fails, run `cargo xtask bindings` and commit the result.
#[test]
fn typescript_bindings_are_current() {
    let fresh = tempfile::tempdir().unwrap();
    export_bindings(fresh.path());
    let committed_dir = repo().join("ui/src/lib/bindings");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed_dir);
        for (rel, text) in files(fresh.path()) {
            let target = committed_dir.join(&rel);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, text).unwrap();
        }
    }
    let expected = files(fresh.path());
    let committed = files(&committed_dir);
    let missing: Vec<_> = expected
        .keys()
        .filter(|k| !committed.contains_key(*k))
        .collect();
    let stale: Vec<_> = committed
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    let changed: Vec<_> = expected
        .iter()
        .filter(|(k, v)| committed.get(*k).is_some_and(|c| c != *v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty() && changed.is_empty(),
        "ui/src/lib/bindings is out of date (run `cargo xtask bindings`): missing {missing:?}, stale {stale:?}, changed {changed:?}"
    );
}

fn translations(lang: &str) -> Value {
    let path = repo().join(format!("ui/src/lib/i18n/{lang}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn name<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

fn placeholders(message: &str) -> BTreeSet<String> {
    message
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(p, _)| p.to_owned()))
        .collect()
}

/// Every error code and validation code the core can send has a message in Bahasa
/// Indonesia and in English, with the parameters the core fills in.
#[test]
fn every_error_has_a_message_in_both_languages() {
    let needs: BTreeMap<String, &[&str]> = [
        (
            format!("errors.{}", name(ErrorCode::LoginThrottled)),
            &["seconds"][..],
        ),
        (
            format!("validation.{}", name(ValidationCode::TooLong)),
            &["max"][..],
        ),
        (
            format!("validation.{}", name(ValidationCode::PasswordTooShort)),
            &["min"][..],
        ),
    ]
    .into_iter()
    .collect();
    let keys: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| format!("errors.{}", name(c)))
        .chain(
            ValidationCode::ALL
                .iter()
                .map(|c| format!("validation.{}", name(c))),
        )
        .collect();
    for lang in ["id", "en"] {
        let messages = translations(lang);
        for key in &keys {
            let (section, code) = key.split_once('.').unwrap();
            let message = messages[section][code].as_str().unwrap_or_default();
            assert!(
                !message.trim().is_empty(),
                "{lang}.json has no message for {key}"
            );
            for param in needs.get(key).copied().unwrap_or_default() {
                assert!(
                    placeholders(message).contains(*param),
                    "{lang}.json {key} should show {{{param}}}: {message:?}"
                );
            }
        }
    }
}

/// Every action and kind of record the activity log can hold is named in both languages, and
/// so is the system's own name for scheduled jobs.
#[test]
fn every_activity_entry_reads_in_both_languages() {
    for lang in ["id", "en"] {
        let messages = translations(lang);
        let named = |section: &str, key: &str| {
            messages["activity"][section][key]
                .as_str()
                .is_some_and(|m| !m.trim().is_empty())
        };
        for action in ispdesk_core::ACTIVITY_ACTIONS {
            assert!(
                named("actions", action),
                "{lang}.json: activity.actions.{action}"
            );
        }
        for entity in ispdesk_core::ACTIVITY_ENTITIES {
            assert!(
                named("entities", entity),
                "{lang}.json: activity.entities.{entity}"
            );
        }
        assert!(
            messages["activity"]["system"].as_str().is_some(),
            "{lang}.json: activity.system"
        );
    }
}

/// The two languages have the same keys and each message the same placeholders.
#[test]
fn both_languages_have_the_same_messages() {
    fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&key, v, out);
                }
            }
            Value::String(s) => {
                out.insert(prefix.to_owned(), s.clone());
            }
            other => panic!("{prefix}: translations are strings, found {other}"),
        }
    }
    let mut id = BTreeMap::new();
    let mut en = BTreeMap::new();
    flatten("", &translations("id"), &mut id);
    flatten("", &translations("en"), &mut en);
    let only_id: Vec<_> = id.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !id.contains_key(*k)).collect();
    assert!(
        only_id.is_empty() && only_en.is_empty(),
        "only in id: {only_id:?}; only in en: {only_en:?}"
    );
    for (key, id_message) in &id {
        assert_eq!(
            placeholders(id_message),
            placeholders(&en[key]),
            "{key}: id {id_message:?} and en {:?} use different placeholders",
            en[key]
        );
    }
}

#[test]
fn the_contract_document_names_every_command() {
    let doc = std::fs::read_to_string(repo().join("docs/commands.md")).unwrap();
    let source = include_str!("commands.rs");
    let start = source.find("generate_handler![").unwrap();
    let end = source[start..].find(']').unwrap() + start;
    for command in source[start + "generate_handler![".len()..end]
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.rsplit("::").next().unwrap_or(c))
    {
        assert!(
            doc.contains(&format!("`{command}`")),
            "docs/commands.md does not describe `{command}`"
        );
    }
}
