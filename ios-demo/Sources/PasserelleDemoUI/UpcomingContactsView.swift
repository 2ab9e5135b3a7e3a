// Planned contacts, shared by the survivor's Home ("Next contacts", with "I'll be there" and
// "Another time") and the mentor's Mentee screen ("Next contact", with "Change", "Cancel" and
// "Record check-in"; and "To record", the contacts over that wait for a check-in, with "Record
// check-in" and "Did not take place"). Which buttons show, and the cancel button's words, are
// the core's answer (`canAnswer`, `canChange`, `canCancel`, `canRecord`) carried by the
// presenter's row; every tap is one binding call or opens a form, and the change counter reloads
// the cards after it.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI
import UIKit

/// What a card's buttons open: the form that moves a contact, and the form that records it.
struct ContactForms {
    let onChange: (UpcomingRow) -> Void
    let onRecord: (UpcomingRow) -> Void
}

struct UpcomingContactsSection: View {
    @EnvironmentObject private var model: AppModel
    /// The section's title: "Next contacts" (Home) or "Next contact" (Mentee).
    let title: String
    /// One mentorship (Mentee), or every one under way (`nil`, Home).
    let mentorshipId: String?
    /// The person signed in, when the screen knows them: their own answer reads "You said…".
    let ownerId: String?
    let forms: ContactForms
    @State private var contacts: Result<[UpcomingContact], Error>?

    var body: some View {
        Section(header: Text(title).accessibilityAddTraits(.isHeader)) {
            switch contacts {
            case nil:
                ProgressView()
            case .some(.failure(let error)):
                ErrorLine(text: model.presentation.errors.sentence(error))
            case .some(.success(let list)):
                let upcoming = model.presentation.upcoming.list(list, now: Int64(Date().timeIntervalSince1970 * 1000), ownerId: ownerId)
                if let empty = upcoming.empty {
                    Text(empty)
                }
                ContactCards(rows: upcoming.rows, forms: forms)
            }
        }
        // Loads on appearing and again after every write or sync (an answer, a cancellation).
        .task(id: model.changes) {
            let id = mentorshipId
            contacts = await model.call { api in try api.upcomingContacts(mentorshipId: id) }
        }
    }
}

/// The cards of `rows` (from `upcomingContacts()` or `contactsToRecord()`) and the sentence of
/// the last refused tap.
struct ContactCards: View {
    @EnvironmentObject private var model: AppModel
    let rows: [UpcomingRow]
    let forms: ContactForms
    @State private var actionError: String?
    @State private var working = false

    var body: some View {
        ForEach(rows) { row in
            UpcomingCard(
                row: row,
                onReply: { reply in act { p, api in p.reply(api, contactId: row.contactId, reply: reply) } },
                onCancel: { act { p, api in p.cancel(api, contactId: row.contactId) } },
                onChange: { forms.onChange(row) },
                onRecord: { forms.onRecord(row) }
            )
        }
        ErrorLine(text: actionError)
    }

    /// One binding call through the presenter; its sentence, if it failed, shows and is announced.
    private func act(_ run: @escaping @Sendable (UpcomingContactsPresenter, Passerelle) -> String?) {
        guard !working else { return }
        working = true
        let presenter = model.presentation.upcoming
        Task {
            let result = await model.call { api in run(presenter, api) }
            working = false
            switch result {
            case .success(let sentence): actionError = sentence
            case .failure(let error): actionError = model.presentation.errors.sentence(error)
            }
            if let said = actionError {
                UIAccessibility.post(notification: .announcement, argument: said)
            }
        }
    }
}

private struct UpcomingCard: View {
    let row: UpcomingRow
    let onReply: (ContactReply) -> Void
    let onCancel: () -> Void
    let onChange: () -> Void
    let onRecord: () -> Void
    /// "Cancel" (or "Did not take place") asks once more in place: it cannot be taken back.
    @State private var confirming = false

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            // One VoiceOver element: the presenter's sentence.
            VStack(alignment: .leading, spacing: 4) {
                Text(row.title).font(.title3.bold())
                if let cancelled = row.cancelled {
                    // The word says it; the symbol is decoration.
                    Label(cancelled, systemImage: "calendar.badge.minus")
                        .font(.subheadline.bold())
                        .foregroundColor(.red)
                }
                Text(row.starts)
                Text(row.duration)
                if let place = row.place {
                    Text(place)
                }
                if let note = row.note {
                    Text(note).font(.callout)
                }
                if let answer = row.answer {
                    Text(answer).font(.subheadline.bold())
                }
                if let recorded = row.recorded {
                    Text(recorded).font(.subheadline.bold())
                }
            }
            .frame(maxWidth: .infinity, alignment: .leading)
            .accessibilityElement(children: .ignore)
            .accessibilityLabel(row.spoken)

            if row.canAnswer {
                HStack(spacing: 8) {
                    AnswerButton(title: ui("contact_accept"), chosen: row.reply == .accepted) { onReply(.accepted) }
                    AnswerButton(title: ui("contact_decline"), chosen: row.reply == .declined) { onReply(.declined) }
                }
            }
            if row.canRecord {
                Button(action: onRecord) {
                    Text(ui("contact_record")).frame(maxWidth: .infinity, minHeight: touchTarget)
                }
                .buttonStyle(.borderedProminent)
            }
            if row.canChange || row.canCancel {
                HStack(spacing: 8) {
                    if confirming {
                        Button { confirming = false } label: {
                            Text(ui("contact_keep")).frame(maxWidth: .infinity, minHeight: touchTarget)
                        }
                        .buttonStyle(.bordered)
                        Button {
                            confirming = false
                            onCancel()
                        } label: {
                            Text(row.cancelConfirm).frame(maxWidth: .infinity, minHeight: touchTarget)
                        }
                        .buttonStyle(.borderedProminent)
                        .tint(.red)
                    } else {
                        if row.canChange {
                            Button(action: onChange) {
                                Text(ui("contact_change")).frame(maxWidth: .infinity, minHeight: touchTarget)
                            }
                            .buttonStyle(.bordered)
                        }
                        if row.canCancel {
                            Button { confirming = true } label: {
                                Text(row.cancelAction).frame(maxWidth: .infinity, minHeight: touchTarget)
                            }
                            .buttonStyle(.bordered)
                        }
                    }
                }
            }
        }
        // Several buttons in one List row: each has its own style, so each keeps its own tap
        // instead of the whole row taking it.
        .padding(.vertical, 4)
    }
}

/// An answer: prominent with a tick once chosen, so the choice does not rest on colour alone.
private struct AnswerButton: View {
    let title: String
    let chosen: Bool
    let action: () -> Void

    var body: some View {
        Button(action: action) {
            HStack(spacing: 4) {
                if chosen {
                    Image(systemName: "checkmark").accessibilityHidden(true)
                }
                Text(title)
            }
            .frame(maxWidth: .infinity, minHeight: touchTarget)
        }
        .buttonStyle(.bordered)
        .tint(chosen ? .accentColor : .secondary)
        .accessibilityAddTraits(chosen ? .isSelected : [])
    }
}
#endif
