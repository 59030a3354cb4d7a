import { type Kysely, type Migration, sql } from 'kysely';

const APP_ROLE = 'ortholedger_app';

/**
 * Appends go through `access.append_audit_events` only. With INSERT on the rows and UPDATE on the
 * head, the app role (a compromised API process, an SQL injection) could insert a stray row at
 * head+1, after which every append failed on the duplicate key, or push the head forwards over a
 * gap that verify would report for ever. The function runs as the schema owner, locks the head and
 * takes a batch only if it starts at head+1, links to the head's hash and is contiguous; then it
 * inserts the rows and moves the head in one statement.
 *
 * The links are MACs under the chain key, which stays in the application: the database checks
 * linkage, not MACs (a row with a bad MAC is found by `audit verify`).
 *
 * A batch that does not start at the head (another writer moved it) is not an error: nothing is
 * written and the current head comes back, so the caller relinks and retries (as before, when the
 * head's conditional UPDATE matched nothing). A malformed batch is refused with an error.
 */
export const auditAppendMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`
      create function access.append_audit_events(
        p_seq bigint[], p_at timestamptz[], p_realm text[], p_actor_id uuid[], p_role text[], p_session_id uuid[],
        p_action text[], p_resource_type text[], p_resource_id uuid[], p_patient_id uuid[], p_outcome text[],
        p_status integer[], p_reason text[], p_ip text[], p_user_agent text[], p_correlation_id text[],
        p_purpose text[], p_break_glass boolean[], p_params jsonb[], p_policy_version text[], p_prev_hash text[],
        p_hash text[])
      returns table (appended boolean, head_seq bigint, head_hash text)
      language plpgsql security definer set search_path = access, pg_temp as $$
      declare
        n integer := coalesce(cardinality(p_seq), 0);
        v_seq bigint;
        v_hash text;
      begin
        if n = 0 or array_ndims(p_seq) <> 1 then
          raise exception 'audit append: an empty or malformed batch' using errcode = '22023';
        end if;
        if cardinality(p_at) <> n or cardinality(p_realm) <> n or cardinality(p_actor_id) <> n or cardinality(p_role) <> n
           or cardinality(p_session_id) <> n or cardinality(p_action) <> n or cardinality(p_resource_type) <> n
           or cardinality(p_resource_id) <> n or cardinality(p_patient_id) <> n or cardinality(p_outcome) <> n
           or cardinality(p_status) <> n or cardinality(p_reason) <> n or cardinality(p_ip) <> n
           or cardinality(p_user_agent) <> n or cardinality(p_correlation_id) <> n or cardinality(p_purpose) <> n
           or cardinality(p_break_glass) <> n or cardinality(p_params) <> n or cardinality(p_policy_version) <> n
           or cardinality(p_prev_hash) <> n or cardinality(p_hash) <> n then
          raise exception 'audit append: columns of different lengths' using errcode = '22023';
        end if;

        select h.seq, h.hash into v_seq, v_hash from access.audit_head h for update;
        if p_seq[1] is distinct from v_seq + 1 or p_prev_hash[1] is distinct from v_hash then
          return query select false, v_seq, v_hash; -- the head moved: nothing written
          return;
        end if;
        for i in 1 .. n loop
          if p_seq[i] is distinct from v_seq + i then
            raise exception 'audit append: positions are not contiguous from the head' using errcode = '22023';
          end if;
          if i > 1 and p_prev_hash[i] is distinct from p_hash[i - 1] then
            raise exception 'audit append: a row does not link to the one before it' using errcode = '22023';
          end if;
          if p_hash[i] is null or p_hash[i] !~ '^[0-9a-f]{64}$' then
            raise exception 'audit append: a link is not a 256-bit hex digest' using errcode = '22023';
          end if;
        end loop;

        insert into access.audit_events (
          seq, at, realm, actor_id, role, session_id, action, resource_type, resource_id, patient_id, outcome, status,
          reason, ip, user_agent, correlation_id, purpose, break_glass, params, policy_version, prev_hash, hash)
        select * from unnest(
          p_seq, p_at, p_realm, p_actor_id, p_role, p_session_id, p_action, p_resource_type, p_resource_id, p_patient_id,
          p_outcome, p_status, p_reason, p_ip, p_user_agent, p_correlation_id, p_purpose, p_break_glass, p_params,
          p_policy_version, p_prev_hash, p_hash);
        update access.audit_head set seq = p_seq[n], hash = p_hash[n];
        return query select true, p_seq[n], p_hash[n];
      end $$`.execute(db);

    const signature = `access.append_audit_events(bigint[], timestamptz[], text[], uuid[], text[], uuid[], text[], text[], uuid[],
      uuid[], text[], integer[], text[], text[], text[], text[], text[], boolean[], jsonb[], text[], text[], text[])`;
    await sql.raw(`revoke all on function ${signature} from public`).execute(db);
    await sql.raw(`grant execute on function ${signature} to ${APP_ROLE}`).execute(db);
    await sql.raw(`revoke insert, update, delete, truncate on access.audit_events from ${APP_ROLE}`).execute(db);
    await sql.raw(`revoke insert, update, delete, truncate on access.audit_head from ${APP_ROLE}`).execute(db);
  },
};
