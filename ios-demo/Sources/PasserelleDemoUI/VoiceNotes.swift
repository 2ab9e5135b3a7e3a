// Recording and playing voice notes for the conversation screen. The recorder writes AAC in an
// .m4a file (what the core calls MP4) to the app's temporary folder, with the settings the
// presentation keeps within the core's limits (VoiceRecording); the file is read and removed at
// once, so the sound stays only in the encrypted store. Playback reads the bytes from memory and
// writes nothing. Neither logs anything.
#if os(iOS)
import AVFoundation
import Foundation
import Passerelle
import PasserellePresentation

/// Records one voice note at a time. The conversation screen calls it from the main thread.
final class VoiceRecorder {
    private var recorder: AVAudioRecorder?
    private var startedAt = Date()

    /// Asks for the microphone the first time (NSMicrophoneUsageDescription says why); then answers at once.
    static func microphoneAllowed() async -> Bool {
        await withCheckedContinuation { answer in
            AVAudioSession.sharedInstance().requestRecordPermission { answer.resume(returning: $0) }
        }
    }

    /// Starts recording; `false` if the microphone could not be opened. It stops by itself at the
    /// core's longest note.
    func start() -> Bool {
        cancel()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("voice-note-\(UUID().uuidString).m4a")
        let settings: [String: Any] = [
            AVFormatIDKey: kAudioFormatMPEG4AAC,
            AVSampleRateKey: VoiceRecording.sampleRate,
            AVNumberOfChannelsKey: 1,
            AVEncoderBitRateKey: VoiceRecording.bitRate,
        ]
        do {
            try AVAudioSession.sharedInstance().setCategory(.playAndRecord, mode: .spokenAudio, options: [.defaultToSpeaker])
            try AVAudioSession.sharedInstance().setActive(true)
            let recorder = try AVAudioRecorder(url: url, settings: settings)
            guard recorder.record(forDuration: TimeInterval(VoiceRecording.maxMs) / 1000) else {
                recorder.deleteRecording()
                return false
            }
            self.recorder = recorder
            startedAt = Date()
            return true
        } catch {
            try? FileManager.default.removeItem(at: url)
            return false
        }
    }

    /// Stops, and returns the note to send; `nil` if nothing usable was recorded. The file is gone either way.
    func stop() -> NewVoiceNote? {
        guard let recorder else { return nil }
        self.recorder = nil
        let elapsed = Int64(Date().timeIntervalSince(startedAt) * 1000)
        let durationMs = UInt32(min(max(elapsed, 1), Int64(VoiceRecording.maxMs)))
        recorder.stop()
        defer { recorder.deleteRecording() }
        guard let audio = try? Data(contentsOf: recorder.url), !audio.isEmpty else { return nil }
        return NewVoiceNote(mediaType: .mp4, durationMs: durationMs, audio: audio)
    }

    /// Stops without keeping anything.
    func cancel() {
        guard let recorder else { return }
        self.recorder = nil
        recorder.stop()
        recorder.deleteRecording()
    }
}

/// Plays one voice note at a time, from memory. The conversation screen calls it from the main thread.
final class VoicePlayer: NSObject, AVAudioPlayerDelegate {
    private var player: AVAudioPlayer?
    private var finished: (() -> Void)?

    /// Plays `audio`, stopping whatever was playing; `finished` when it ends. `false` if it cannot
    /// be played here (an Ogg note recorded on Android, say).
    func play(_ audio: Data, finished: @escaping () -> Void) -> Bool {
        stop()
        guard let player = try? AVAudioPlayer(data: audio) else { return false }
        player.delegate = self
        self.player = player
        self.finished = finished
        return player.play()
    }

    func stop() {
        player?.stop()
        player = nil
        finished = nil
    }

    func audioPlayerDidFinishPlaying(_ player: AVAudioPlayer, successfully flag: Bool) {
        DispatchQueue.main.async {
            let finished = self.finished
            self.stop()
            finished?()
        }
    }
}
#endif
