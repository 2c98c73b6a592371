-- ispdesk-cloud, version 2: FreeRADIUS's tables for every tenant in one schema, and the
-- per-tenant change feed the desktops pull.
--
-- The tables keep FreeRADIUS's PostgreSQL schema (Debian's freeradius 3.2
-- mods-config/sql/main/postgresql/schema.sql: names, types, defaults) plus `tenant_id`.
-- FreeRADIUS finds the tenant from the router the packet came from (nas.nasname =
-- Packet-Src-IP-Address) and scopes every query by it: deploy/freeradius/.
--
-- radcheck, radreply, radusergroup, radgroupcheck, radgroupreply and nas are derived by
-- the platform from the tenants' synced rows in the push transaction; radacct and
-- radpostauth are written by FreeRADIUS, which connects as a role that may only read the
-- former and insert (update) the latter (see db.rs: grant_radius_role).

CREATE TABLE nas (
    id serial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    -- The router's address as the platform sees it (a VPN tunnel address behind NAT):
    -- unique across tenants, since it is what identifies the tenant of a packet.
    nasname text NOT NULL CONSTRAINT nas_nasname_key UNIQUE,
    shortname text NOT NULL,
    type text NOT NULL DEFAULT 'other',
    ports integer,
    secret text NOT NULL,
    server text,
    community text,
    description text
);
CREATE INDEX nas_tenant ON nas (tenant_id);

CREATE TABLE radcheck (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    username text NOT NULL DEFAULT '',
    attribute text NOT NULL DEFAULT '',
    op varchar(2) NOT NULL DEFAULT '==',
    value text NOT NULL DEFAULT ''
);
CREATE INDEX radcheck_tenant_username ON radcheck (tenant_id, username);

CREATE TABLE radreply (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    username text NOT NULL DEFAULT '',
    attribute text NOT NULL DEFAULT '',
    op varchar(2) NOT NULL DEFAULT '=',
    value text NOT NULL DEFAULT ''
);
CREATE INDEX radreply_tenant_username ON radreply (tenant_id, username);

CREATE TABLE radusergroup (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    username text NOT NULL DEFAULT '',
    groupname text NOT NULL DEFAULT '',
    priority integer NOT NULL DEFAULT 0
);
CREATE INDEX radusergroup_tenant_username ON radusergroup (tenant_id, username);

CREATE TABLE radgroupcheck (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    groupname text NOT NULL DEFAULT '',
    attribute text NOT NULL DEFAULT '',
    op varchar(2) NOT NULL DEFAULT '==',
    value text NOT NULL DEFAULT ''
);
CREATE INDEX radgroupcheck_tenant_groupname ON radgroupcheck (tenant_id, groupname);

CREATE TABLE radgroupreply (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    groupname text NOT NULL DEFAULT '',
    attribute text NOT NULL DEFAULT '',
    op varchar(2) NOT NULL DEFAULT '=',
    value text NOT NULL DEFAULT ''
);
CREATE INDEX radgroupreply_tenant_groupname ON radgroupreply (tenant_id, groupname);

CREATE TABLE radacct (
    radacctid bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    acctsessionid text NOT NULL,
    -- An MD5 of attributes the router chooses: unique per tenant, so one tenant's router
    -- can never reach another tenant's session through ON CONFLICT.
    acctuniqueid text NOT NULL,
    username text,
    realm text,
    nasipaddress inet NOT NULL,
    nasportid text,
    nasporttype text,
    acctstarttime timestamp with time zone,
    acctupdatetime timestamp with time zone,
    acctstoptime timestamp with time zone,
    acctinterval bigint,
    acctsessiontime bigint,
    acctauthentic text,
    connectinfo_start text,
    connectinfo_stop text,
    acctinputoctets bigint,
    acctoutputoctets bigint,
    calledstationid text,
    callingstationid text,
    acctterminatecause text,
    servicetype text,
    framedprotocol text,
    framedipaddress inet,
    framedipv6address inet,
    framedipv6prefix inet,
    framedinterfaceid text,
    delegatedipv6prefix inet,
    class text,
    CONSTRAINT radacct_tenant_acctuniqueid_key UNIQUE (tenant_id, acctuniqueid)
);
CREATE INDEX radacct_active_user ON radacct (tenant_id, username) WHERE acctstoptime IS NULL;
CREATE INDEX radacct_tenant_username ON radacct (tenant_id, username, acctstarttime);
CREATE INDEX radacct_bulk_close ON radacct (tenant_id, nasipaddress, acctstarttime) WHERE acctstoptime IS NULL;

CREATE TABLE radpostauth (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    username text NOT NULL,
    -- FreeRADIUS's column, kept for its schema; a password never lands here.
    pass text CONSTRAINT radpostauth_no_password CHECK (pass IS NULL OR pass = ''),
    reply text,
    calledstationid text,
    callingstationid text,
    authdate timestamp with time zone NOT NULL DEFAULT now(),
    class text
);
CREATE INDEX radpostauth_tenant_username ON radpostauth (tenant_id, username);

-- The per-tenant feed the desktops pull (docs/sync.md "Pull"). `seq` is global, but the
-- entries of one tenant commit in `seq` order (feed_append holds a per-tenant lock until
-- commit), so a reader that has seen seq n can never later find an entry below n.
CREATE TABLE change_feed (
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    seq bigserial NOT NULL,
    kind text NOT NULL CHECK (kind IN ('radacct', 'radpostauth', 'payment')),
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, seq)
);

CREATE FUNCTION utc_text(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

CREATE FUNCTION feed_append(p_tenant uuid, p_kind text, p_data jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1718379885, hashtext(p_tenant::text));
    INSERT INTO change_feed (tenant_id, kind, data) VALUES (p_tenant, p_kind, p_data);
END
$$;
-- Functions are executable by everyone by default; this one must not be, or FreeRADIUS's
-- role could write into any tenant's feed.
REVOKE EXECUTE ON FUNCTION feed_append(uuid, text, jsonb) FROM PUBLIC;

CREATE FUNCTION radacct_feed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
BEGIN
    PERFORM feed_append(NEW.tenant_id, 'radacct',
        (to_jsonb(NEW) - 'tenant_id' - 'radacctid') || jsonb_build_object(
            'acctstarttime', utc_text(NEW.acctstarttime),
            'acctupdatetime', utc_text(NEW.acctupdatetime),
            'acctstoptime', utc_text(NEW.acctstoptime)));
    RETURN NULL;
END
$$;
CREATE TRIGGER radacct_feed_insert AFTER INSERT ON radacct
    FOR EACH ROW EXECUTE FUNCTION radacct_feed();
CREATE TRIGGER radacct_feed_update AFTER UPDATE ON radacct
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION radacct_feed();

CREATE FUNCTION radpostauth_feed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$
BEGIN
    PERFORM feed_append(NEW.tenant_id, 'radpostauth', jsonb_build_object(
        'username', NEW.username,
        'reply', NEW.reply,
        'calledstationid', NEW.calledstationid,
        'callingstationid', NEW.callingstationid,
        'authdate', utc_text(NEW.authdate)));
    RETURN NULL;
END
$$;
CREATE TRIGGER radpostauth_feed_insert AFTER INSERT ON radpostauth
    FOR EACH ROW EXECUTE FUNCTION radpostauth_feed();

-- FreeRADIUS reads `nas` only when it starts: every change is announced (delivered at
-- commit, once per transaction) to whatever restarts it (nas_watch.rs).
CREATE FUNCTION nas_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM pg_notify('ispdesk_nas_changed', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER nas_changed AFTER INSERT OR UPDATE OR DELETE ON nas
    FOR EACH ROW EXECUTE FUNCTION nas_changed();
