//! One file per page (or pair of GET and POST), each a few lines: read the request,
//! call a service, render a template.

pub mod applications;
pub mod home;
pub mod lang;
pub mod login;
// h-matchact: the actions of /matches/{id}
pub mod match_actions;
pub mod match_forms;
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
        // h-matchact: the actions of /matches/{id}
        .service(match_actions::accept)
        .service(match_actions::decline)
        .service(match_actions::cancel)
        .service(match_actions::schedule)
        .service(match_actions::cancel_meeting)
        .service(match_actions::outcome)
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
}
