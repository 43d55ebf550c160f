//! One file per page (or pair of GET and POST), each a few lines: read the request,
//! call a service, render a template.

pub mod applications;
pub mod candidates;
pub mod home;
pub mod lang;
pub mod login;
pub mod matches;
pub mod me;
pub mod needs;
pub mod password_reset;
pub mod register;

use actix_web::web;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(applications::list)
        .service(applications::withdraw)
        .service(home::home)
        .service(lang::switch)
        .service(login::login_form)
        .service(login::submit)
        .service(login::logout)
        .service(matches::list)
        .service(matches::meeting_ics)
        .service(matches::show)
        .service(me::me)
        .service(needs::list)
        .service(needs::show)
        .service(needs::apply)
        .service(password_reset::show_form)
        .service(password_reset::request_link)
        .service(password_reset::sent)
        .service(password_reset::set_password)
        .service(register::register_form)
        .service(register::submit);
    // The ranked candidates of a need (and the coordinator's introduce/scout form).
    cfg.service(candidates::show)
        .service(candidates::create_match);
}
