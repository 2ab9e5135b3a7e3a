// A conversation: the messages (one `conversation()` call) with who, when and where each of
// mine is — waiting, sent, delivered, read — in words and a symbol; the unread count; a box to
// write and a 44 pt send button. Sending works offline: the message waits for the next sync.
#if os(iOS)
import Passerelle
import PasserellePresentation
import SwiftUI

struct ConversationView: View {
    @EnvironmentObject private var model: AppModel
    let mentorshipId: String
    @State private var conversation: Result<Conversation, Error>?
    @State private var draft = ""
    @State private var sendError: String?

    var body: some View {
        VStack(spacing: 0) {
            switch conversation {
            case nil:
                ProgressView().frame(maxHeight: .infinity)
            case .some(.failure(let error)):
                ErrorLine(text: model.presentation.errors.sentence(error)).frame(maxHeight: .infinity)
            case .some(.success(let loaded)):
                let view = model.presentation.conversation.view(loaded, now: Int64(Date().timeIntervalSince1970 * 1000))
                Text(view.unread).font(.subheadline.bold()).padding(8)
                ScrollViewReader { scroller in
                    List(view.rows) { row in
                        Bubble(row: row).listRowSeparator(.hidden).id(row.id)
                    }
                    .listStyle(.plain)
                    // Newest at the bottom, in view: on opening and when a message arrives.
                    .onAppear { scrollToEnd(view.rows, scroller) }
                    .onChange(of: view.rows.count) { _ in scrollToEnd(view.rows, scroller) }
                }
            }
            ErrorLine(text: sendError).padding(.horizontal)
            HStack(spacing: 8) {
                TextField(ui("conversation_write"), text: $draft, axis: .vertical)
                    .lineLimit(1...4)
                    .textFieldStyle(.roundedBorder)
                Button { Task { await send() } } label: {
                    Image(systemName: "paperplane.fill").frame(width: touchTarget, height: touchTarget)
                }
                .buttonStyle(.borderedProminent)
                .accessibilityLabel(ui("conversation_send"))
            }
            .padding()
        }
        .navigationTitle(ui("conversation_title"))
        .task(id: model.changes) { await load() }
    }

    private func scrollToEnd(_ rows: [MessageRow], _ scroller: ScrollViewProxy) {
        if let last = rows.last {
            scroller.scrollTo(last.id, anchor: .bottom)
        }
    }

    private func load() async {
        let id = mentorshipId
        conversation = await model.call { api in try api.conversation(mentorshipId: id, limit: 100) }
        // On screen means read; the receipt goes out with the next sync.
        if case .success(let loaded) = conversation, loaded.unread > 0 {
            _ = await model.call { api in try api.markConversationRead(mentorshipId: id) }
        }
    }

    private func send() async {
        let body = draft
        let id = mentorshipId
        switch await model.call({ api in try api.sendMessage(mentorshipId: id, body: body) }) {
        case .success:
            draft = ""
            sendError = nil
        case .failure(let error):
            sendError = model.presentation.errors.sentence(error)
        }
    }
}

private struct Bubble: View {
    let row: MessageRow

    var body: some View {
        HStack {
            if row.mine { Spacer(minLength: 40) }
            VStack(alignment: .leading, spacing: 4) {
                if !row.mine {
                    Text(row.sender).font(.subheadline.bold())
                }
                Text(row.body).font(.body)
                HStack(spacing: 4) {
                    Text(row.time).font(.caption)
                    // The status is written next to the symbol, so the symbol is decoration.
                    if let symbol = symbol(row.icon) {
                        Image(systemName: symbol).font(.caption).accessibilityHidden(true)
                    }
                    if let status = row.status {
                        Text(status).font(.caption)
                    }
                }
            }
            .padding(12)
            .background(RoundedRectangle(cornerRadius: 12).fill(row.mine ? Color.accentColor.opacity(0.2) : Color.secondary.opacity(0.15)))
            // One element for VoiceOver: "Marc, 10:42, New: See you Thursday?".
            .accessibilityElement(children: .ignore)
            .accessibilityLabel(row.spoken)
            if !row.mine { Spacer(minLength: 40) }
        }
    }

    private func symbol(_ icon: StatusIcon) -> String? {
        switch icon {
        case .clock: return "clock"
        case .oneTick: return "checkmark"
        case .twoTicks: return "checkmark.circle"
        case .twoTicksFilled: return "checkmark.circle.fill"
        case .newDot: return "circle.fill"
        case .none: return nil
        }
    }
}
#endif
