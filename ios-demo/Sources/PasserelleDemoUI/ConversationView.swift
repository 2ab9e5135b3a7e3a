// A conversation: the messages (one `conversation()` call) with who, when and where each of
// mine is — waiting, sent, delivered, read — in words and a symbol; the unread count; a box to
// write and a 44 pt send button. Sending works offline: the message waits for the next sync.
// Voice notes: "Record a voice note" (one tap, no holding: the microphone permission is asked
// the first time), then "Stop and send" or "Cancel" under the time recorded; each note shows
// its length and a 44 pt play button named for VoiceOver ("Play voice note from Sophie, 42
// seconds"), its caption under it; one still on its way says so, and its 44 pt button downloads
// it now and plays it ("Download and play voice note from Sophie"; a spinner meanwhile) — what a
// phone on cellular data does, since its syncs leave sounds out.
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
    @State private var recorder = VoiceRecorder()
    @State private var player = VoicePlayer()
    /// When the recording started; `nil` when not recording.
    @State private var recordingSince: Date?
    /// The voice note playing, by message id.
    @State private var playing: String?
    /// The voice note on its way being downloaded to play, by message id; one at a time.
    @State private var fetching: String?

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
                        Bubble(row: row, playing: playing == row.id, fetching: fetching == row.id) {
                            play(row.id, fetch: row.voice?.play == nil)
                        }
                            .listRowSeparator(.hidden)
                            .id(row.id)
                    }
                    .listStyle(.plain)
                    // Newest at the bottom, in view: on opening and when a message arrives.
                    .onAppear { scrollToEnd(view.rows, scroller) }
                    .onChange(of: view.rows.count) { _ in scrollToEnd(view.rows, scroller) }
                }
            }
            ErrorLine(text: sendError).padding(.horizontal)
            if let since = recordingSince {
                recording(since: since)
            } else {
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
                .padding([.horizontal, .top])
                Button { Task { await record() } } label: {
                    // The button's words name it; the symbol is decoration.
                    Label(ui("conversation_record"), systemImage: "mic.fill").frame(maxWidth: .infinity, minHeight: touchTarget)
                }
                .buttonStyle(.bordered)
                .padding()
            }
        }
        .navigationTitle(ui("conversation_title"))
        .task(id: model.changes) { await load() }
        // The core's longest note: stopped and sent there.
        .task(id: recordingSince) {
            guard recordingSince != nil else { return }
            try? await Task.sleep(nanoseconds: UInt64(VoiceRecording.maxMs) * 1_000_000)
            if !Task.isCancelled, recordingSince != nil {
                await stopAndSend()
            }
        }
        .onDisappear {
            recorder.cancel()
            player.stop()
            recordingSince = nil
            playing = nil
        }
    }

    /// While recording: the time so far, "Stop and send" and "Cancel", each 44 pt high.
    private func recording(since: Date) -> some View {
        VStack(spacing: 8) {
            TimelineView(.periodic(from: since, by: 1)) { context in
                Text(model.presentation.conversation.recording(elapsedMs: Int64(context.date.timeIntervalSince(since) * 1000)))
                    .font(.headline)
            }
            HStack(spacing: 8) {
                Button { Task { await stopAndSend() } } label: {
                    Text(ui("conversation_record_stop")).frame(maxWidth: .infinity, minHeight: touchTarget)
                }
                .buttonStyle(.borderedProminent)
                Button {
                    recorder.cancel()
                    recordingSince = nil
                } label: {
                    Text(ui("conversation_record_cancel")).frame(maxWidth: .infinity, minHeight: touchTarget)
                }
                .buttonStyle(.bordered)
            }
        }
        .padding()
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

    /// Asks for the microphone the first time, then records.
    private func record() async {
        guard await VoiceRecorder.microphoneAllowed() else {
            sendError = ui("conversation_record_no_microphone")
            return
        }
        player.stop()
        playing = nil
        guard recorder.start() else {
            sendError = ui("conversation_record_failed")
            return
        }
        sendError = nil
        recordingSince = Date()
    }

    private func stopAndSend() async {
        recordingSince = nil
        guard let note = recorder.stop() else {
            sendError = ui("conversation_record_failed")
            return
        }
        let id = mentorshipId
        switch await model.call({ api in try api.sendVoiceNote(mentorshipId: id, note: note) }) {
        case .success:
            sendError = nil
        case .failure(let error):
            sendError = model.presentation.errors.sentence(error)
        }
    }

    /// Plays a voice note (one `voiceNoteAudio` call), or stops it if it is the one playing. A
    /// note on its way (`fetch`) is downloaded first, with one `fetchVoiceNote` call: the core
    /// keeps it and the change counter reloads the conversation, where it is now playable.
    private func play(_ messageId: String, fetch: Bool) {
        guard fetching == nil else { return }
        let wasPlaying = playing
        player.stop()
        playing = nil
        guard wasPlaying != messageId else { return }
        if fetch {
            fetching = messageId
        }
        Task { @MainActor in
            let audio = await model.call { api in
                try fetch ? api.fetchVoiceNote(messageId: messageId) : api.voiceNoteAudio(messageId: messageId)
            }
            fetching = nil
            switch audio {
            case .success(let note):
                if fetch {
                    sendError = nil
                }
                if player.play(note.audio, finished: { playing = nil }) {
                    playing = messageId
                } else {
                    sendError = ui("conversation_voice_cannot_play")
                }
            case .failure(let error):
                // Not sent yet by its sender, or no connection: the error's sentence.
                sendError = model.presentation.errors.sentence(error)
            }
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
    let playing: Bool
    let fetching: Bool
    let play: () -> Void

    var body: some View {
        HStack {
            if row.mine { Spacer(minLength: 40) }
            HStack(spacing: 8) {
                // A voice note's button, its own VoiceOver element, beside the text: play, or for
                // one on its way, download and play.
                if let label = row.voice?.play ?? row.voice?.fetch {
                    Button(action: play) {
                        if fetching {
                            ProgressView().frame(width: touchTarget, height: touchTarget)
                        } else {
                            Image(systemName: voiceSymbol).frame(width: touchTarget, height: touchTarget)
                        }
                    }
                    .buttonStyle(.bordered)
                    .disabled(fetching)
                    .accessibilityLabel(fetching ? ui("conversation_voice_fetching") : playing ? ui("conversation_voice_stop") : label)
                }
                VStack(alignment: .leading, spacing: 4) {
                    if !row.mine {
                        Text(row.sender).font(.subheadline.bold())
                    }
                    if let voice = row.voice {
                        Text(voice.label).font(.body)
                    }
                    // A voice note's caption, if any, under it.
                    if !row.body.isEmpty {
                        Text(row.body).font(.body)
                    }
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
                // One element for VoiceOver: "Marc, 10:42, New: See you Thursday?".
                .accessibilityElement(children: .ignore)
                .accessibilityLabel(row.spoken)
            }
            .padding(12)
            .background(RoundedRectangle(cornerRadius: 12).fill(row.mine ? Color.accentColor.opacity(0.2) : Color.secondary.opacity(0.15)))
            if !row.mine { Spacer(minLength: 40) }
        }
    }

    /// The voice note button's symbol: stop while playing, download while on its way, else play.
    private var voiceSymbol: String {
        if playing {
            return "stop.fill"
        }
        return row.voice?.play == nil ? "arrow.down.circle" : "play.fill"
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
