// One mentee: record a contact, open the conversation, the contacts over that wait to be
// recorded (one `contactsToRecord()` call, a "To record" section shown only when there are some;
// each with "Record check-in", which opens the check-in form filled in from it, and "Did not take
// place"), the next contact planned (one `upcomingContacts()` call; each with "Change", "Cancel"
// and, once it has started, "Record check-in"; and "Plan a contact"), and the past contacts (one
// `mentorshipTimeline()` call), each with a "Correct" button that opens the amend form.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI

struct MenteeView: View {
    @EnvironmentObject private var model: AppModel
    let mentorshipId: String
    let name: String
    @Binding var path: [Route]
    @State private var timeline: Result<[TimelineEntry], Error>?
    @State private var toRecord: Result<[UpcomingContact], Error>?

    private var forms: ContactForms {
        ContactForms(
            onChange: { row in
                path.append(.planContact(mentorshipId: mentorshipId, changeContactId: row.contactId))
            },
            onRecord: { row in
                path.append(.checkIn(mentorshipId: mentorshipId, amendCheckinId: nil, plannedContactId: row.contactId))
            }
        )
    }

    var body: some View {
        List {
            Section {
                BigButton(title: ui("mentee_record")) {
                    path.append(.checkIn(mentorshipId: mentorshipId, amendCheckinId: nil, plannedContactId: nil))
                }
                SecondaryButton(title: ui("mentee_messages")) {
                    path.append(.conversation(mentorshipId: mentorshipId))
                }
            }
            // What is left undone first: a contact over waits for its check-in.
            toRecordSection
            UpcomingContactsSection(title: ui("mentee_next_contact"), mentorshipId: mentorshipId, ownerId: nil, forms: forms)
            Section {
                SecondaryButton(title: ui("mentee_plan")) {
                    path.append(.planContact(mentorshipId: mentorshipId, changeContactId: nil))
                }
            }
            Section(header: Text(ui("mentee_contacts")).accessibilityAddTraits(.isHeader)) {
                switch timeline {
                case nil:
                    ProgressView()
                case .some(.failure(let error)):
                    ErrorLine(text: model.presentation.errors.sentence(error))
                case .some(.success(let entries)):
                    let rows = model.presentation.contacts.rows(entries, now: Int64(Date().timeIntervalSince1970 * 1000))
                    if rows.isEmpty {
                        Text(ui("mentee_no_contacts"))
                    }
                    ForEach(rows) { row in
                        HStack {
                            VStack(alignment: .leading, spacing: 2) {
                                Text(row.summary)
                                if let face = row.wellbeing {
                                    Text(face.label(model.presentation.strings)).font(.callout)
                                }
                                if let corrected = row.corrected {
                                    Text(corrected).font(.caption.bold())
                                }
                            }
                            .accessibilityElement(children: .ignore)
                            .accessibilityLabel(row.spoken)
                            Spacer()
                            Button(ui("mentee_correct")) {
                                path.append(.checkIn(mentorshipId: mentorshipId, amendCheckinId: row.checkinId, plannedContactId: nil))
                            }
                            .buttonStyle(.bordered)
                            .frame(minWidth: touchTarget, minHeight: touchTarget)
                        }
                    }
                }
            }
        }
        .navigationTitle(name)
        .task(id: model.changes) {
            let id = mentorshipId
            toRecord = await model.call { api in try api.contactsToRecord(mentorshipId: id) }
            timeline = await model.call { api in try api.mentorshipTimeline(mentorshipId: id) }
        }
    }

    /// "To record": left out while nothing waits (or while loading), so the screen stays short.
    @ViewBuilder private var toRecordSection: some View {
        let header = Text(ui("mentee_to_record")).accessibilityAddTraits(.isHeader)
        switch toRecord {
        case nil:
            EmptyView()
        case .some(.failure(let error)):
            Section(header: header) {
                ErrorLine(text: model.presentation.errors.sentence(error))
            }
        case .some(.success(let list)):
            if !list.isEmpty {
                Section(header: header) {
                    ContactCards(rows: model.presentation.upcoming.toRecord(list, now: Int64(Date().timeIntervalSince1970 * 1000)), forms: forms)
                }
            }
        }
    }
}
#endif
