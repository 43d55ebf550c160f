//! One file per page (or pair of GET and POST), each a few lines: read the request,
//! call a service, render a template.

pub mod applications;
pub mod candidates;
pub mod engagement;
pub mod home;
pub mod invitation;
pub mod lang;
pub mod links;
pub mod login;
// the actions of /matches/{id}
pub mod match_actions;
pub mod match_forms;
pub mod matches;
pub mod me;
// proposed meeting times answered (the emailed links and the match page)
pub mod meeting_times;
pub mod my_data;
pub mod need_form;
pub mod need_pool;
pub mod needs;
pub mod password_reset;
pub mod profile;
pub mod recommendations;
pub mod region_assignment;
pub mod region_congestion;
pub mod region_desk;
pub mod region_export;
pub mod region_import;
pub mod region_outbox;
pub mod region_report;
pub mod region_weights;
pub mod register;
pub mod sharing;

use actix_web::web;

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // The 仕様書 form: before `needs::show`, whose `/needs/{id}` would take `/needs/new`.
    cfg.service(need_form::new_form)
        .service(need_form::create)
        .service(need_form::edit_form)
        .service(need_form::update)
        .service(need_form::close_form)
        .service(need_form::close)
        .service(need_pool::fragment);
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
        // the actions of /matches/{id}
        .service(match_actions::accept)
        .service(match_actions::decline)
        .service(match_actions::cancel)
        .service(match_actions::schedule)
        .service(match_actions::cancel_meeting)
        .service(match_actions::outcome)
        .service(meeting_times::choose)
        .service(meeting_times::follow)
        .service(me::me)
        .service(needs::list)
        .service(needs::show)
        .service(needs::apply)
        .service(password_reset::show_form)
        .service(password_reset::request_link)
        .service(password_reset::sent)
        .service(password_reset::set_password)
        .service(region_outbox::list)
        .service(region_outbox::retry)
        .service(region_weights::show)
        .service(region_weights::submit)
        .service(region_congestion::show)
        .service(region_congestion::save)
        .service(register::register_form)
        .service(register::submit);
    // The professional's profile, recommendations and data.
    cfg.service(profile::edit)
        .service(profile::save)
        .service(sharing::save)
        .service(profile::save_relays)
        .service(recommendations::list)
        .service(my_data::show)
        .service(my_data::export)
        .service(my_data::erase);
    // The ranked candidates of a need (and the coordinator's introduce/scout form).
    cfg.service(candidates::show)
        .service(candidates::create_match);
    // The coordinator's desk, its monthly report and its spreadsheets.
    cfg.service(region_desk::desk)
        .service(region_report::show)
        .service(region_report::csv)
        .service(region_export::export);
    // The coordinator's CSV import of professionals, and the invitation it emails.
    cfg.service(region_import::form)
        .service(region_import::upload)
        .service(invitation::show)
        .service(invitation::accept);
    // The region-wide suggestion, approved pair by pair.
    cfg.service(region_assignment::show)
        .service(region_assignment::approve);
    // The engagement after a contract, and the check-in emails' one-click links.
    cfg.service(engagement::check_in_form)
        .service(engagement::adjust_form)
        .service(engagement::complete_form)
        .service(engagement::extend_form)
        .service(engagement::look_back_form)
        .service(engagement::follow_link)
        .service(engagement::comment_form);
}
