-- ispdesk tenant database, version 1: the whole tenant schema.
--
-- Conventions (see ARCHITECTURE.md):
--   * synced rows are keyed by UUIDv7 text (`id`), carry `rev` (bumped on every update;
--     a trigger refuses an update that does not bump it) and are captured into
--     `sync_outbox` by triggers in the same transaction as the change;
--   * money is INTEGER minor units (Rupiah have none: 150000 = Rp 150.000);
--   * times are UTC text `YYYY-MM-DDTHH:MM:SS.sssZ`, dates `YYYY-MM-DD`;
--   * byte counts and bit rates are INTEGER (64-bit: quotas exceed 4 GiB);
--   * FreeRADIUS's tables keep FreeRADIUS's own names and columns (SQLite dialect of
--     FreeRADIUS 3.2), because FreeRADIUS reads this file directly;
--   * a released migration is never edited: add V2, V3, ...

-- Synced tables.

CREATE TABLE settings (
key TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value)),
    rev INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE routers (
id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    address TEXT NOT NULL,
    radius_secret_enc BLOB,
    api_username TEXT NOT NULL DEFAULT '',
    api_password_enc BLOB,
    api_port INTEGER NOT NULL DEFAULT 8728 CHECK (api_port BETWEEN 1 AND 65535),
    api_tls INTEGER NOT NULL DEFAULT 0 CHECK (api_tls IN (0, 1)),
    tls_fingerprint TEXT,
    provisioning_mode TEXT NOT NULL DEFAULT 'radius' CHECK (provisioning_mode IN ('radius', 'api')),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    description TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE ip_pools (
id TEXT PRIMARY KEY,
    router_id TEXT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    name TEXT NOT NULL,
    ranges TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    pool_type TEXT NOT NULL DEFAULT 'any' CHECK (pool_type IN ('pppoe', 'hotspot', 'any')),
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (router_id, name)
) STRICT;

CREATE TABLE bandwidth_profiles (
id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    rate_up_bps INTEGER NOT NULL CHECK (rate_up_bps >= 0),
    rate_down_bps INTEGER NOT NULL CHECK (rate_down_bps >= 0),
    burst_up_bps INTEGER CHECK (burst_up_bps >= 0),
    burst_down_bps INTEGER CHECK (burst_down_bps >= 0),
    threshold_up_bps INTEGER CHECK (threshold_up_bps >= 0),
    threshold_down_bps INTEGER CHECK (threshold_down_bps >= 0),
    burst_time_up_s INTEGER CHECK (burst_time_up_s >= 0),
    burst_time_down_s INTEGER CHECK (burst_time_down_s >= 0),
    priority INTEGER NOT NULL DEFAULT 8 CHECK (priority BETWEEN 1 AND 8),
    limit_at_up_bps INTEGER CHECK (limit_at_up_bps >= 0),
    limit_at_down_bps INTEGER CHECK (limit_at_down_bps >= 0),
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE pppoe_profiles (
id TEXT PRIMARY KEY,
    router_id TEXT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    name TEXT NOT NULL,
    ip_pool_id TEXT REFERENCES ip_pools (id) ON DELETE RESTRICT,
    bandwidth_profile_id TEXT REFERENCES bandwidth_profiles (id) ON DELETE RESTRICT,
    local_address TEXT NOT NULL DEFAULT '',
    dns_servers TEXT NOT NULL DEFAULT '',
    session_timeout_s INTEGER CHECK (session_timeout_s >= 0),
    shared_users INTEGER NOT NULL DEFAULT 1 CHECK (shared_users >= 1),
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (router_id, name)
) STRICT;

CREATE TABLE pppoe_servers (
id TEXT PRIMARY KEY,
    router_id TEXT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    service_name TEXT NOT NULL,
    interface TEXT NOT NULL,
    default_profile_id TEXT REFERENCES pppoe_profiles (id) ON DELETE RESTRICT,
    authentication TEXT NOT NULL DEFAULT 'pap,chap,mschap1,mschap2',
    one_session_per_host INTEGER NOT NULL DEFAULT 1 CHECK (one_session_per_host IN (0, 1)),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (router_id, service_name)
) STRICT;

CREATE TABLE hotspot_profiles (
id TEXT PRIMARY KEY,
    router_id TEXT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    name TEXT NOT NULL,
    ip_pool_id TEXT REFERENCES ip_pools (id) ON DELETE RESTRICT,
    bandwidth_profile_id TEXT REFERENCES bandwidth_profiles (id) ON DELETE RESTRICT,
    shared_users INTEGER NOT NULL DEFAULT 1 CHECK (shared_users >= 1),
    session_timeout_s INTEGER CHECK (session_timeout_s >= 0),
    dns_name TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (router_id, name)
) STRICT;

CREATE TABLE hotspot_servers (
id TEXT PRIMARY KEY,
    router_id TEXT NOT NULL REFERENCES routers (id) ON DELETE RESTRICT,
    name TEXT NOT NULL,
    interface TEXT NOT NULL,
    ip_pool_id TEXT REFERENCES ip_pools (id) ON DELETE RESTRICT,
    profile_id TEXT REFERENCES hotspot_profiles (id) ON DELETE RESTRICT,
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (router_id, name)
) STRICT;

CREATE TABLE service_plans (
id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE COLLATE NOCASE,
    service_type TEXT NOT NULL CHECK (service_type IN ('hotspot', 'pppoe')),
    price INTEGER NOT NULL CHECK (price >= 0),
    reseller_price INTEGER CHECK (reseller_price >= 0),
    validity_value INTEGER NOT NULL CHECK (validity_value > 0),
    validity_unit TEXT NOT NULL CHECK (validity_unit IN ('hours', 'days', 'months')),
    bandwidth_profile_id TEXT REFERENCES bandwidth_profiles (id) ON DELETE RESTRICT,
    quota_bytes INTEGER CHECK (quota_bytes > 0),
    shared_users INTEGER NOT NULL DEFAULT 1 CHECK (shared_users >= 1),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    description TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE resellers (
id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    balance INTEGER NOT NULL DEFAULT 0,
    commission_bp INTEGER NOT NULL DEFAULT 0 CHECK (commission_bp BETWEEN 0 AND 10000),
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE customers (
id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_enc BLOB NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    service_type TEXT NOT NULL CHECK (service_type IN ('hotspot', 'pppoe')),
    plan_id TEXT REFERENCES service_plans (id) ON DELETE RESTRICT,
    router_id TEXT REFERENCES routers (id) ON DELETE RESTRICT,
    reseller_id TEXT REFERENCES resellers (id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'expired', 'inactive')),
    isolated INTEGER NOT NULL DEFAULT 0 CHECK (isolated IN (0, 1)),
    expires_at TEXT,
    balance INTEGER NOT NULL DEFAULT 0,
    latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
    longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
    notes TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE subscriptions (
id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    plan_id TEXT NOT NULL REFERENCES service_plans (id) ON DELETE RESTRICT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'expired', 'cancelled')),
    price INTEGER NOT NULL CHECK (price >= 0),
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    auto_renew INTEGER NOT NULL DEFAULT 1 CHECK (auto_renew IN (0, 1)),
    billing_day INTEGER CHECK (billing_day BETWEEN 1 AND 28),
    next_invoice_on TEXT,
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE voucher_batches (
id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES service_plans (id) ON DELETE RESTRICT,
    reseller_id TEXT REFERENCES resellers (id) ON DELETE SET NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    code_type TEXT NOT NULL CHECK (code_type IN ('numeric', 'alphanumeric', 'prefix')),
    prefix TEXT NOT NULL DEFAULT '',
    code_length INTEGER NOT NULL CHECK (code_length BETWEEN 4 AND 32),
    price INTEGER NOT NULL CHECK (price >= 0),
    created_by TEXT,
    note TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE vouchers (
id TEXT PRIMARY KEY,
    batch_id TEXT NOT NULL REFERENCES voucher_batches (id) ON DELETE CASCADE,
    code TEXT NOT NULL UNIQUE,
    plan_id TEXT NOT NULL REFERENCES service_plans (id) ON DELETE RESTRICT,
    status TEXT NOT NULL DEFAULT 'unused' CHECK (status IN ('unused', 'active', 'used', 'expired', 'disabled')),
    max_usage INTEGER NOT NULL DEFAULT 1 CHECK (max_usage >= 1),
    used_count INTEGER NOT NULL DEFAULT 0 CHECK (used_count >= 0),
    price INTEGER NOT NULL CHECK (price >= 0),
    customer_id TEXT REFERENCES customers (id) ON DELETE SET NULL,
    reseller_id TEXT REFERENCES resellers (id) ON DELETE SET NULL,
    sold_at TEXT,
    activated_at TEXT,
    expires_at TEXT,
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE invoices (
id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    subscription_id TEXT REFERENCES subscriptions (id) ON DELETE SET NULL,
    subtotal INTEGER NOT NULL CHECK (subtotal >= 0),
    tax INTEGER NOT NULL DEFAULT 0 CHECK (tax >= 0),
    total INTEGER NOT NULL CHECK (total = subtotal + tax),
    status TEXT NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'partially_paid', 'paid', 'void')),
    issue_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    notes TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE invoice_lines (
id TEXT PRIMARY KEY,
    invoice_id TEXT NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price INTEGER NOT NULL,
    amount INTEGER NOT NULL CHECK (amount = quantity * unit_price),
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (invoice_id, position)
) STRICT;

CREATE TABLE payments (
id TEXT PRIMARY KEY,
    invoice_id TEXT REFERENCES invoices (id) ON DELETE RESTRICT,
    customer_id TEXT REFERENCES customers (id) ON DELETE RESTRICT,
    amount INTEGER NOT NULL CHECK (amount > 0),
    method TEXT NOT NULL CHECK (method IN ('cash', 'bank_transfer', 'gateway', 'balance')),
    reference TEXT NOT NULL DEFAULT '',
    gateway_transaction_id TEXT UNIQUE,
    paid_at TEXT NOT NULL,
    received_by TEXT,
    origin TEXT NOT NULL DEFAULT 'desktop' CHECK (origin IN ('desktop', 'platform')),
    notes TEXT NOT NULL DEFAULT '',
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE reseller_ledger (
id TEXT PRIMARY KEY,
    reseller_id TEXT NOT NULL REFERENCES resellers (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CHECK (kind IN ('topup', 'voucher_purchase', 'commission', 'adjustment')),
    amount INTEGER NOT NULL,
    balance_after INTEGER NOT NULL,
    voucher_batch_id TEXT REFERENCES voucher_batches (id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by TEXT,
    rev INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX ip_pools_router ON ip_pools (router_id);
CREATE INDEX customers_name ON customers (name COLLATE NOCASE);
CREATE INDEX customers_phone ON customers (phone);
CREATE INDEX customers_plan ON customers (plan_id);
CREATE INDEX customers_router ON customers (router_id);
CREATE INDEX customers_status ON customers (status);
CREATE INDEX customers_expires ON customers (expires_at);
CREATE INDEX subscriptions_customer ON subscriptions (customer_id);
CREATE INDEX vouchers_batch ON vouchers (batch_id);
CREATE INDEX vouchers_status ON vouchers (status);
CREATE INDEX invoices_customer ON invoices (customer_id);
CREATE INDEX invoices_status_due ON invoices (status, due_date);
CREATE INDEX payments_invoice ON payments (invoice_id);
CREATE INDEX payments_paid_at ON payments (paid_at);
CREATE INDEX reseller_ledger_reseller ON reseller_ledger (reseller_id, created_at);

-- Local-only tables: never synced (see LOCAL_ONLY_TABLES in ispdesk-core).

CREATE TABLE staff_users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'technician', 'cashier', 'reseller')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    reseller_id TEXT REFERENCES resellers (id) ON DELETE SET NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_login_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE activity_log (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    staff_id TEXT,
    staff_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    summary TEXT NOT NULL DEFAULT '',
    old_values TEXT CHECK (old_values IS NULL OR json_valid(old_values)),
    new_values TEXT CHECK (new_values IS NULL OR json_valid(new_values))
) STRICT;
CREATE INDEX activity_log_at ON activity_log (at);
CREATE INDEX activity_log_staff ON activity_log (staff_id, at);
CREATE INDEX activity_log_entity ON activity_log (entity_type, at);

-- Settings of this installation only (backup folder, window state): not the ISP's.
CREATE TABLE local_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value))
) STRICT;

-- Every change to a synced table, queued in the same transaction (see the triggers).
CREATE TABLE sync_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    rev INTEGER NOT NULL,
    queued_at TEXT NOT NULL
);
CREATE INDEX sync_outbox_row ON sync_outbox (table_name, row_id);

CREATE TABLE sync_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- FreeRADIUS 3.2 tables, SQLite dialect, with FreeRADIUS's column names. radcheck,
-- radreply, radgroupcheck, radgroupreply, radusergroup and nas are derived from the
-- tables above in the same transaction as every change; radacct and radpostauth are
-- written by FreeRADIUS (or arrive from the platform). Index names are prefixed so they
-- cannot collide with ours.

CREATE TABLE radacct (
    radacctid INTEGER PRIMARY KEY AUTOINCREMENT,
    acctsessionid varchar(64) NOT NULL default '',
    acctuniqueid varchar(32) NOT NULL default '',
    username varchar(64) NOT NULL default '',
    realm varchar(64) default '',
    nasipaddress varchar(15) NOT NULL default '',
    nasportid varchar(32) default NULL,
    nasporttype varchar(32) default NULL,
    acctstarttime datetime NULL default NULL,
    acctupdatetime datetime NULL default NULL,
    acctstoptime datetime NULL default NULL,
    acctinterval int(12) default NULL,
    acctsessiontime int(12) default NULL,
    acctauthentic varchar(32) default NULL,
    connectinfo_start varchar(128) default NULL,
    connectinfo_stop varchar(128) default NULL,
    acctinputoctets bigint(20) default NULL,
    acctoutputoctets bigint(20) default NULL,
    calledstationid varchar(50) NOT NULL default '',
    callingstationid varchar(50) NOT NULL default '',
    acctterminatecause varchar(32) NOT NULL default '',
    servicetype varchar(32) default NULL,
    framedprotocol varchar(32) default NULL,
    framedipaddress varchar(15) NOT NULL default '',
    framedipv6address varchar(45) NOT NULL default '',
    framedipv6prefix varchar(45) NOT NULL default '',
    framedinterfaceid varchar(44) NOT NULL default '',
    delegatedipv6prefix varchar(45) NOT NULL default '',
    class varchar(64) default NULL
);
CREATE UNIQUE INDEX radacct_acctuniqueid ON radacct (acctuniqueid);
CREATE INDEX radacct_username ON radacct (username);
CREATE INDEX radacct_framedipaddress ON radacct (framedipaddress);
CREATE INDEX radacct_acctsessionid ON radacct (acctsessionid);
CREATE INDEX radacct_acctstarttime ON radacct (acctstarttime);
CREATE INDEX radacct_acctstoptime ON radacct (acctstoptime);
CREATE INDEX radacct_nasipaddress ON radacct (nasipaddress);
CREATE INDEX radacct_class ON radacct (class);

CREATE TABLE radcheck (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username varchar(64) NOT NULL default '',
    attribute varchar(64) NOT NULL default '',
    op char(2) NOT NULL DEFAULT '==',
    value varchar(253) NOT NULL default ''
);
CREATE INDEX radcheck_username ON radcheck (username);

CREATE TABLE radgroupcheck (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    groupname varchar(64) NOT NULL default '',
    attribute varchar(64) NOT NULL default '',
    op char(2) NOT NULL DEFAULT '==',
    value varchar(253) NOT NULL default ''
);
CREATE INDEX radgroupcheck_groupname ON radgroupcheck (groupname);

CREATE TABLE radgroupreply (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    groupname varchar(64) NOT NULL default '',
    attribute varchar(64) NOT NULL default '',
    op char(2) NOT NULL DEFAULT '=',
    value varchar(253) NOT NULL default ''
);
CREATE INDEX radgroupreply_groupname ON radgroupreply (groupname);

CREATE TABLE radreply (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username varchar(64) NOT NULL default '',
    attribute varchar(64) NOT NULL default '',
    op char(2) NOT NULL DEFAULT '=',
    value varchar(253) NOT NULL default ''
);
CREATE INDEX radreply_username ON radreply (username);

CREATE TABLE radusergroup (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username varchar(64) NOT NULL default '',
    groupname varchar(64) NOT NULL default '',
    priority int(11) NOT NULL default '1'
);
CREATE INDEX radusergroup_username ON radusergroup (username);

CREATE TABLE radpostauth (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username varchar(64) NOT NULL default '',
    pass varchar(64) NOT NULL default '',
    reply varchar(32) NOT NULL default '',
    authdate timestamp NOT NULL,
    class varchar(64) default NULL
);
CREATE INDEX radpostauth_username ON radpostauth (username);
CREATE INDEX radpostauth_class ON radpostauth (class);

CREATE TABLE nas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    nasname varchar(128) NOT NULL,
    shortname varchar(32),
    type varchar(30) DEFAULT 'other',
    ports int(5),
    secret varchar(60) DEFAULT 'secret' NOT NULL,
    server varchar(64),
    community varchar(50),
    description varchar(200) DEFAULT 'RADIUS Client'
);
CREATE INDEX nas_nasname ON nas (nasname);

CREATE TABLE nasreload (
    nasipaddress varchar(15) PRIMARY KEY,
    reloadtime datetime NOT NULL
);

-- Outbox capture: one trigger per operation and synced table. An update must bump
-- `rev`, so a write that forgets it fails in tests instead of syncing stale data.

CREATE TRIGGER settings_outbox_insert AFTER INSERT ON settings BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('settings', NEW.key, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER settings_outbox_update AFTER UPDATE ON settings BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of settings') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('settings', NEW.key, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER settings_outbox_delete AFTER DELETE ON settings BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('settings', OLD.key, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER routers_outbox_insert AFTER INSERT ON routers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('routers', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER routers_outbox_update AFTER UPDATE ON routers BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of routers') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('routers', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER routers_outbox_delete AFTER DELETE ON routers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('routers', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER ip_pools_outbox_insert AFTER INSERT ON ip_pools BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('ip_pools', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER ip_pools_outbox_update AFTER UPDATE ON ip_pools BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of ip_pools') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('ip_pools', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER ip_pools_outbox_delete AFTER DELETE ON ip_pools BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('ip_pools', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER bandwidth_profiles_outbox_insert AFTER INSERT ON bandwidth_profiles BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('bandwidth_profiles', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER bandwidth_profiles_outbox_update AFTER UPDATE ON bandwidth_profiles BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of bandwidth_profiles') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('bandwidth_profiles', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER bandwidth_profiles_outbox_delete AFTER DELETE ON bandwidth_profiles BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('bandwidth_profiles', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER pppoe_profiles_outbox_insert AFTER INSERT ON pppoe_profiles BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('pppoe_profiles', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER pppoe_profiles_outbox_update AFTER UPDATE ON pppoe_profiles BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of pppoe_profiles') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('pppoe_profiles', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER pppoe_profiles_outbox_delete AFTER DELETE ON pppoe_profiles BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('pppoe_profiles', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER pppoe_servers_outbox_insert AFTER INSERT ON pppoe_servers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('pppoe_servers', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER pppoe_servers_outbox_update AFTER UPDATE ON pppoe_servers BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of pppoe_servers') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('pppoe_servers', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER pppoe_servers_outbox_delete AFTER DELETE ON pppoe_servers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('pppoe_servers', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER hotspot_profiles_outbox_insert AFTER INSERT ON hotspot_profiles BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('hotspot_profiles', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER hotspot_profiles_outbox_update AFTER UPDATE ON hotspot_profiles BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of hotspot_profiles') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('hotspot_profiles', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER hotspot_profiles_outbox_delete AFTER DELETE ON hotspot_profiles BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('hotspot_profiles', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER hotspot_servers_outbox_insert AFTER INSERT ON hotspot_servers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('hotspot_servers', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER hotspot_servers_outbox_update AFTER UPDATE ON hotspot_servers BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of hotspot_servers') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('hotspot_servers', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER hotspot_servers_outbox_delete AFTER DELETE ON hotspot_servers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('hotspot_servers', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER service_plans_outbox_insert AFTER INSERT ON service_plans BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('service_plans', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER service_plans_outbox_update AFTER UPDATE ON service_plans BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of service_plans') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('service_plans', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER service_plans_outbox_delete AFTER DELETE ON service_plans BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('service_plans', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER resellers_outbox_insert AFTER INSERT ON resellers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('resellers', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER resellers_outbox_update AFTER UPDATE ON resellers BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of resellers') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('resellers', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER resellers_outbox_delete AFTER DELETE ON resellers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('resellers', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER customers_outbox_insert AFTER INSERT ON customers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('customers', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER customers_outbox_update AFTER UPDATE ON customers BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of customers') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('customers', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER customers_outbox_delete AFTER DELETE ON customers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('customers', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER subscriptions_outbox_insert AFTER INSERT ON subscriptions BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('subscriptions', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER subscriptions_outbox_update AFTER UPDATE ON subscriptions BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of subscriptions') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('subscriptions', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER subscriptions_outbox_delete AFTER DELETE ON subscriptions BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('subscriptions', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER voucher_batches_outbox_insert AFTER INSERT ON voucher_batches BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('voucher_batches', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER voucher_batches_outbox_update AFTER UPDATE ON voucher_batches BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of voucher_batches') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('voucher_batches', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER voucher_batches_outbox_delete AFTER DELETE ON voucher_batches BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('voucher_batches', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER vouchers_outbox_insert AFTER INSERT ON vouchers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('vouchers', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER vouchers_outbox_update AFTER UPDATE ON vouchers BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of vouchers') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('vouchers', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER vouchers_outbox_delete AFTER DELETE ON vouchers BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('vouchers', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER invoices_outbox_insert AFTER INSERT ON invoices BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('invoices', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER invoices_outbox_update AFTER UPDATE ON invoices BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of invoices') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('invoices', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER invoices_outbox_delete AFTER DELETE ON invoices BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('invoices', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER invoice_lines_outbox_insert AFTER INSERT ON invoice_lines BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('invoice_lines', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER invoice_lines_outbox_update AFTER UPDATE ON invoice_lines BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of invoice_lines') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('invoice_lines', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER invoice_lines_outbox_delete AFTER DELETE ON invoice_lines BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('invoice_lines', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER payments_outbox_insert AFTER INSERT ON payments BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('payments', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER payments_outbox_update AFTER UPDATE ON payments BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of payments') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('payments', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER payments_outbox_delete AFTER DELETE ON payments BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('payments', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER reseller_ledger_outbox_insert AFTER INSERT ON reseller_ledger BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('reseller_ledger', NEW.id, 'insert', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER reseller_ledger_outbox_update AFTER UPDATE ON reseller_ledger BEGIN
    SELECT RAISE(ABORT, 'rev must increase on update of reseller_ledger') WHERE NEW.rev <= OLD.rev;
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('reseller_ledger', NEW.id, 'update', NEW.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER reseller_ledger_outbox_delete AFTER DELETE ON reseller_ledger BEGIN
    INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at)
    VALUES ('reseller_ledger', OLD.id, 'delete', OLD.rev, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
