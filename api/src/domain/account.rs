//! Accounts: the three kinds of user, and what registering and changing a password
//! accept.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    enums::OrganizationKind,
    error::{FieldError, FieldErrors},
    ids::RegionId,
    text::{EmailAddress, Errors, MultiLine, SingleLine},
};
use crate::config::Secret;

/// What an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// An SME or municipality that posts needs.
    Sme,
    /// A 複業 professional.
    Professional,
    /// A regional coordinator (created by the operator only).
    Coordinator,
}

impl AccountRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sme => "sme",
            Self::Professional => "professional",
            Self::Coordinator => "coordinator",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "sme" => Some(Self::Sme),
            "professional" => Some(Self::Professional),
            "coordinator" => Some(Self::Coordinator),
            _ => None,
        }
    }
}

/// A password an account is given (at registration, by a change or a reset): 10–128
/// characters. Only [`NewPassword::parse`] makes one.
#[derive(Debug, Clone)]
pub struct NewPassword(Secret);

impl NewPassword {
    /// Checks the length; the error is the message for the field.
    pub fn parse(password: String) -> Result<Self, &'static str> {
        if (10..=128).contains(&password.chars().count()) {
            Ok(Self(Secret::new(password)))
        } else {
            Err("must be 10 to 128 characters")
        }
    }

    /// The password, for hashing.
    pub fn into_secret(self) -> Secret {
        self.0
    }
}

/// The organization an SME registers with.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    /// Name, e.g. `株式会社丸山漆器`.
    pub name: String,
    /// SME or municipality.
    pub kind: OrganizationKind,
    /// The region it belongs to (`GET /regions`).
    pub region_id: Uuid,
    /// Industry key (`GET /taxonomy`), or free text.
    pub industry: String,
    /// City, e.g. `塩尻市`.
    pub city: String,
    /// Employees.
    #[serde(default)]
    pub employees: Option<u32>,
    /// What the organization does.
    #[serde(default)]
    pub description: Option<String>,
}

/// Who may self-register: coordinators are created by the operator.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegisterRole {
    /// An SME or municipality.
    Sme,
    /// A professional.
    Professional,
}

/// `POST /auth/register`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Email (case-insensitive, unique).
    pub email: String,
    /// 10–128 characters.
    pub password: String,
    /// Name shown to coordinators, and to an SME after an introduction.
    pub display_name: String,
    /// `sme` or `professional`.
    pub role: RegisterRole,
    /// Required for `sme`, refused otherwise.
    #[serde(default)]
    pub organization: Option<OrganizationInput>,
}

/// A registration that passed every rule. Only [`RegisterRequest::parse`] makes one.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Where Musubi can email the account.
    pub email: EmailAddress,
    /// Its password.
    pub password: NewPassword,
    /// Its name.
    pub display_name: SingleLine,
    /// What kind of account, with an SME's organization: never a coordinator.
    pub registrant: Registrant,
}

/// Who registers: an SME (with its organization) or a professional. Coordinators are
/// made by the operator, so there is no way to say one here.
#[derive(Debug, Clone)]
pub enum Registrant {
    /// An SME or municipality, with the organization it posts needs for.
    Sme(OrganizationSpec),
    /// A professional.
    Professional,
}

impl Registrant {
    /// The account's role.
    pub fn role(&self) -> AccountRole {
        match self {
            Self::Sme(_) => AccountRole::Sme,
            Self::Professional => AccountRole::Professional,
        }
    }
}

/// An SME's organization that passed every rule.
#[derive(Debug, Clone)]
pub struct OrganizationSpec {
    /// Name.
    pub name: SingleLine,
    /// SME or municipality.
    pub kind: OrganizationKind,
    /// Its region (whether it exists is the service's to check).
    pub region_id: RegionId,
    /// Industry.
    pub industry: SingleLine,
    /// City.
    pub city: SingleLine,
    /// Head count, at most a million.
    pub employees: Option<u32>,
    /// What it does.
    pub description: Option<MultiLine>,
}

impl OrganizationInput {
    fn parse(&self, errors: &mut Errors) -> Option<OrganizationSpec> {
        let name = errors.line("organization.name", &self.name, 1, 200);
        let industry = errors.line("organization.industry", &self.industry, 1, 100);
        let city = errors.line("organization.city", &self.city, 1, 100);
        let description = match &self.description {
            None => Some(None),
            Some(text) => errors
                .lines("organization.description", text, 0, 4_000)
                .map(Some),
        };
        if self.employees.is_some_and(|count| count > 1_000_000) {
            errors.add("organization.employees", "must be at most 1000000");
        }
        Some(OrganizationSpec {
            name: name?,
            kind: self.kind,
            region_id: RegionId(self.region_id),
            industry: industry?,
            city: city?,
            employees: self.employees,
            description: description?,
        })
    }
}

impl RegisterRequest {
    /// Checks every rule; every invalid field is named.
    pub fn parse(&self) -> Result<Registration, FieldErrors> {
        let mut errors = Errors::default();
        // The same rule the mail sender has: an account is someone Musubi can email.
        let email = errors.email("email", &self.email);
        let password = NewPassword::parse(self.password.clone())
            .map_err(|message| errors.add("password", message))
            .ok();
        let display_name = errors.line("display_name", &self.display_name, 1, 100);
        let registrant = match (self.role, &self.organization) {
            (RegisterRole::Sme, None) => {
                errors.add("organization", "required for an sme account");
                None
            }
            (RegisterRole::Professional, Some(_)) => {
                errors.add("organization", "only sme accounts have an organization");
                None
            }
            (RegisterRole::Sme, Some(organization)) => {
                organization.parse(&mut errors).map(Registrant::Sme)
            }
            (RegisterRole::Professional, None) => Some(Registrant::Professional),
        };
        errors.finish()?;
        match (email, password, display_name, registrant) {
            (Some(email), Some(password), Some(display_name), Some(registrant)) => {
                Ok(Registration {
                    email,
                    password,
                    display_name,
                    registrant,
                })
            }
            // Every `None` above recorded an error, so this is not reached.
            _ => Err(vec![FieldError::new("email", "must be an email address")]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(role: RegisterRole, organization: Option<OrganizationInput>) -> RegisterRequest {
        RegisterRequest {
            email: " Hanako@Example.JP ".to_owned(),
            password: "correct horse battery".to_owned(),
            display_name: "山田 花子".to_owned(),
            role,
            organization,
        }
    }

    fn organization() -> OrganizationInput {
        OrganizationInput {
            name: "丸山漆器".to_owned(),
            kind: OrganizationKind::Sme,
            region_id: Uuid::nil(),
            industry: "manufacturing".to_owned(),
            city: "塩尻市".to_owned(),
            employees: Some(12),
            description: None,
        }
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_iter().map(|error| error.field).collect()
    }

    #[test]
    fn a_professional_registers_without_an_organization() {
        let parsed = request(RegisterRole::Professional, None).parse().unwrap();
        assert_eq!(parsed.email.as_str(), "hanako@example.jp");
        assert_eq!(parsed.registrant.role(), AccountRole::Professional);
    }

    #[test]
    fn an_sme_registers_with_its_organization_only() {
        let parsed = request(RegisterRole::Sme, Some(organization()))
            .parse()
            .unwrap();
        assert!(
            matches!(parsed.registrant, Registrant::Sme(ref org) if org.name.as_str() == "丸山漆器")
        );
        assert_eq!(
            fields(request(RegisterRole::Sme, None).parse().unwrap_err()),
            ["organization"]
        );
        assert_eq!(
            fields(
                request(RegisterRole::Professional, Some(organization()))
                    .parse()
                    .unwrap_err()
            ),
            ["organization"]
        );
    }

    #[test]
    fn every_invalid_field_is_named() {
        let mut bad = request(RegisterRole::Sme, Some(organization()));
        bad.email = "not an email".to_owned();
        bad.password = "short".to_owned();
        bad.display_name = " ".to_owned();
        if let Some(org) = bad.organization.as_mut() {
            org.city = "塩尻\n市".to_owned();
            org.employees = Some(2_000_000);
        }
        assert_eq!(
            fields(bad.parse().unwrap_err()),
            [
                "email",
                "password",
                "display_name",
                "organization.city",
                "organization.employees"
            ]
        );
    }

    #[test]
    fn a_new_password_is_10_to_128_characters() {
        assert!(NewPassword::parse("123456789".to_owned()).is_err());
        assert!(NewPassword::parse("パスワードは十文字です".to_owned()).is_ok());
        assert!(NewPassword::parse("x".repeat(129)).is_err());
    }
}
