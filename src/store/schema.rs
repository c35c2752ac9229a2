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
