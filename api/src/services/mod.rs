//! The rules, once, for both doors (the JSON API in `routes/` and the pages in `web/`).
//! A service takes what it uses and returns a domain result or a domain error; it never
//! names an HTTP type, and each door renders its errors in its own way.

pub mod accounts;
