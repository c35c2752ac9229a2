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
