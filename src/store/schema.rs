//! Table definitions shared by both backends (the portable subset of types).

diesel::table! {
    api_keys (id) {
        id -> Text,
        key_hash -> Text,
        role -> Text,
        department -> Text,
        created_at -> Text,
        revoked_at -> Nullable<Text>,
    }
}

diesel::table! {
    subjects (uscc) {
        uscc -> Text,
        name -> Text,
        kind -> Text,
        division -> Text,
        industry -> Nullable<Text>,
        established_on -> Nullable<Text>,
        status -> Text,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    ruleset_versions (hash) {
        hash -> Text,
        name -> Text,
        version -> Text,
        effective_from -> Text,
        loaded_at -> Text,
        files -> Text,
    }
}

diesel::table! {
    decisions (seq) {
        seq -> BigInt,
        id -> Text,
        kind -> Text,
        uscc -> Nullable<Text>,
        department -> Text,
        ruleset -> Nullable<Text>,
        recorded_at -> Text,
        body -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    decision_chain_head (id) {
        id -> Integer,
        last_seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    records (id) {
        id -> Text,
        department -> Text,
        source_id -> Text,
        uscc -> Text,
        name -> Text,
        item -> Text,
        kind -> Text,
        decided_on -> Text,
        reported_on -> Text,
        document_no -> Text,
        attributes -> Text,
        content_hash -> Text,
        deadline -> Text,
        working_days -> Integer,
        late -> Bool,
        provisional -> Bool,
        publicity_from -> Text,
        repair_from -> Text,
        publicity_until -> Nullable<Text>,
        published -> Bool,
        revoked_on -> Nullable<Text>,
        revoke_reason -> Nullable<Text>,
        revoke_reported_on -> Nullable<Text>,
        revoke_deadline -> Nullable<Text>,
        revoke_late -> Nullable<Bool>,
        repaired_on -> Nullable<Text>,
        objection_open -> Bool,
        version -> Integer,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    record_history (id) {
        id -> Text,
        record_id -> Text,
        version -> Integer,
        changed_by -> Text,
        changed_at -> Text,
        changes -> Text,
    }
}

diesel::table! {
    access_log (id) {
        id -> Text,
        key_id -> Text,
        role -> Text,
        department -> Text,
        uscc -> Text,
        purpose -> Nullable<Text>,
        what -> Text,
        accessed_at -> Text,
    }
}

diesel::table! {
    uscc_conflicts (id) {
        id -> Text,
        kind -> Text,
        uscc -> Text,
        name -> Text,
        other -> Text,
        record_id -> Text,
        department -> Text,
        opened_at -> Text,
        closed_at -> Nullable<Text>,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    service_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Text,
    }
}

diesel::joinable!(record_history -> records (record_id));
diesel::allow_tables_to_appear_in_same_query!(records, record_history, subjects);

diesel::table! {
    risk_tiers (uscc) {
        uscc -> Text,
        tier -> Text,
        score -> BigInt,
        division -> Text,
        industry -> Nullable<Text>,
        decision_id -> Text,
        ruleset -> Text,
        as_of -> Text,
        classified_at -> Text,
    }
}

diesel::table! {
    classify_runs (id) {
        id -> Text,
        as_of -> Text,
        ruleset -> Text,
        started_at -> Text,
        checkpoint -> Nullable<Text>,
        done -> BigInt,
        finished_at -> Nullable<Text>,
    }
}
