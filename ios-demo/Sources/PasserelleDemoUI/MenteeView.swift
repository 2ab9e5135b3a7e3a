// One mentee: record a contact, open the conversation, the next contact planned (one
// `upcomingContacts()` call; each with "Change" and "Cancel", and "Plan a contact"), and the past
// contacts (one `mentorshipTimeline()` call), each with a "Correct" button that opens the amend form.
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

    var body: some View {
        List {
            Section {
                BigButton(title: ui("mentee_record")) {
                    path.append(.checkIn(mentorshipId: mentorshipId, amendCheckinId: nil))
                }
                SecondaryButton(title: ui("mentee_messages")) {
                    path.append(.conversation(mentorshipId: mentorshipId))
                }
            }
            UpcomingContactsSection(title: ui("mentee_next_contact"), mentorshipId: mentorshipId, ownerId: nil) { row in
                path.append(.planContact(mentorshipId: mentorshipId, changeContactId: row.contactId))
            }
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
                                path.append(.checkIn(mentorshipId: mentorshipId, amendCheckinId: row.checkinId))
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
            timeline = await model.call { api in try api.mentorshipTimeline(mentorshipId: mentorshipId) }
        }
    }
}
#endif
