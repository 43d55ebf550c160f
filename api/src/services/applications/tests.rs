//! A page of applications costs the same few queries however many rows it holds.

use std::{
    future::Future,
    pin::Pin,
    sync::atomic::{AtomicUsize, Ordering},
};

use sea_orm::{
    ActiveModelTrait, ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr, ExecResult,
    QueryResult, Set, Statement,
};

use super::*;
use crate::{
    domain::{account::AccountRole, need::NeedInput},
    entities::{organization, user},
};

type Answer<'f, T> = Pin<Box<dyn Future<Output = std::result::Result<T, DbErr>> + Send + 'f>>;

/// A connection that counts the statements sent through it.
struct Counting<'a> {
    db: &'a DatabaseConnection,
    statements: AtomicUsize,
}

impl Counting<'_> {
    fn count(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    fn note(&self) {
        self.statements.fetch_add(1, Ordering::SeqCst);
    }
}

// `ConnectionTrait` is an `async_trait`: these are its methods as that macro writes them.
impl ConnectionTrait for Counting<'_> {
    fn get_database_backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    fn execute_raw<'s, 'f>(&'s self, stmt: Statement) -> Answer<'f, ExecResult>
    where
        's: 'f,
        Self: 'f,
    {
        self.note();
        self.db.execute_raw(stmt)
    }

    fn execute_unprepared<'s, 'q, 'f>(&'s self, sql: &'q str) -> Answer<'f, ExecResult>
    where
        's: 'f,
        'q: 'f,
        Self: 'f,
    {
        self.note();
        self.db.execute_unprepared(sql)
    }

    fn query_one_raw<'s, 'f>(&'s self, stmt: Statement) -> Answer<'f, Option<QueryResult>>
    where
        's: 'f,
        Self: 'f,
    {
        self.note();
        self.db.query_one_raw(stmt)
    }

    fn query_all_raw<'s, 'f>(&'s self, stmt: Statement) -> Answer<'f, Vec<QueryResult>>
    where
        's: 'f,
        Self: 'f,
    {
        self.note();
        self.db.query_all_raw(stmt)
    }
}

/// An empty database with the schema (foreign keys off: rows are made bare).
async fn database() -> DatabaseConnection {
    let mut options = ConnectOptions::new("sqlite::memory:");
    options.max_connections(1).sqlx_logging(false);
    let db = Database::connect(options).await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    db.execute_unprepared("PRAGMA foreign_keys = OFF")
        .await
        .unwrap();
    db
}

async fn account(db: &DatabaseConnection, role: AccountRole, name: &str) -> Actor {
    let id = repo::new_id();
    user::ActiveModel {
        id: Set(id),
        email: Set(format!("{id}@example.jp")),
        password_hash: Set("x".to_owned()),
        display_name: Set(name.to_owned()),
        role: Set(role.as_str().to_owned()),
        region_id: Set(None),
        created_at: Set(repo::now()),
        erased_at: Set(None),
        token_version: Set(0),
    }
    .insert(db)
    .await
    .unwrap();
    Actor {
        id,
        role,
        region_id: None,
    }
}

async fn need(db: &DatabaseConnection, owner: &Actor, title: &str) -> Uuid {
    let organization = organization::Model {
        id: repo::new_id(),
        owner_id: owner.id,
        region_id: repo::new_id(),
        name: "塩尻漆器".to_owned(),
        kind: "sme".to_owned(),
        industry: "manufacturing".to_owned(),
        city: "塩尻市".to_owned(),
        employees: None,
        description: None,
        created_at: repo::now(),
    };
    let input: NeedInput = serde_json::from_value(serde_json::json!({
        "title": title, "description": "漆器の新しい販路", "role": "cmo",
        "hours_per_month": {"min": 16, "max": 32}, "work_style": "remote",
        "compensation_jpy": {"min": 50000, "max": 100000}
    }))
    .unwrap();
    repo::needs::insert(db, &organization, &input.parse().unwrap())
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn a_page_of_applications_is_read_in_three_queries_however_long() {
    let db = database().await;
    let owner = account(&db, AccountRole::Sme, "owner").await;
    let needs = [
        need(&db, &owner, "CMO").await,
        need(&db, &owner, "CHRO").await,
    ];
    let mut rows = Vec::new();
    for n in 0..7 {
        let professional =
            account(&db, AccountRole::Professional, &format!("professional {n}")).await;
        let need_id = needs[n % 2];
        let row = repo::applications::insert(&db, need_id, professional.id, "提案", None)
            .await
            .unwrap();
        rows.push(row);
    }
    let coordinator = account(&db, AccountRole::Coordinator, "coordinator").await;
    for size in [1, 2, 7] {
        let counting = Counting {
            db: &db,
            statements: AtomicUsize::new(0),
        };
        let page = details(&counting, &coordinator, rows[..size].to_vec())
            .await
            .unwrap();
        assert_eq!(page.len(), size);
        assert_eq!(
            counting.count(),
            3,
            "titles, names and profiles, once each, for {size} rows"
        );
        for (n, detail) in page.iter().enumerate() {
            assert_eq!(detail.need_title, ["CMO", "CHRO"][n % 2]);
            assert_eq!(
                detail.applicant_name.as_deref(),
                Some(format!("professional {n}").as_str())
            );
            assert_eq!(detail.applicant_display, ERASED, "no profile written");
        }
    }
    let to_the_owner = details(&db, &owner, rows.clone()).await.unwrap();
    assert!(
        to_the_owner
            .iter()
            .all(|detail| detail.applicant_name.is_none()),
        "an SME sees applicants pseudonymously"
    );
    assert!(details(&db, &owner, Vec::new()).await.unwrap().is_empty());
}
