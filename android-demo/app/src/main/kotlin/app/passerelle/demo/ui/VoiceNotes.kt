// Recording and playing voice notes for the conversation screen. The recorder writes AAC in an
// .m4a file (what the core calls MP4) to the app's private cache, with the settings the
// presentation keeps within the core's limits (VoiceRecording); the file is read and deleted at
// once, so the sound stays only in the encrypted store. Playback reads the bytes from memory and
// writes nothing. Neither logs anything.
package app.passerelle.demo.ui

import android.media.MediaDataSource
import android.media.MediaPlayer
import android.media.MediaRecorder
import android.os.SystemClock
import app.passerelle.core.NewVoiceNote
import app.passerelle.core.VoiceMediaType
import app.passerelle.demo.presentation.VoiceRecording
import java.io.File

/** Records one voice note at a time. Call it from the main thread. */
class VoiceRecorder(private val cacheDir: File) {
    private var recorder: MediaRecorder? = null
    private var file: File? = null
    private var startedAt = 0L

    /** Milliseconds recorded so far, or `null` when not recording. */
    val elapsedMs: Long?
        get() = recorder?.let { SystemClock.elapsedRealtime() - startedAt }

    /** Starts recording; `false` if the microphone could not be opened (busy, or refused). */
    fun start(): Boolean {
        cancel()
        val out = File.createTempFile("voice-note", ".m4a", cacheDir)
        @Suppress("DEPRECATION") // MediaRecorder(Context) is API 31+; the app starts at 26.
        val r = MediaRecorder()
        return try {
            r.setAudioSource(MediaRecorder.AudioSource.MIC)
            r.setOutputFormat(MediaRecorder.OutputFormat.MPEG_4)
            r.setAudioEncoder(MediaRecorder.AudioEncoder.AAC)
            r.setAudioChannels(1)
            r.setAudioSamplingRate(VoiceRecording.SAMPLE_RATE)
            r.setAudioEncodingBitRate(VoiceRecording.BIT_RATE)
            r.setOutputFile(out.absolutePath)
            r.prepare()
            r.start()
            recorder = r
            file = out
            startedAt = SystemClock.elapsedRealtime()
            true
        } catch (e: Exception) {
            r.release()
            out.delete()
            false
        }
    }

    /** Stops, and returns the note to send; `null` if nothing usable was recorded. The file is gone either way. */
    fun stop(): NewVoiceNote? {
        val r = recorder ?: return null
        val out = file ?: return null
        val durationMs = (SystemClock.elapsedRealtime() - startedAt).coerceIn(1, VoiceRecording.MAX_MS.toLong())
        recorder = null
        file = null
        return try {
            r.stop() // throws when stopped before any sound was written
            NewVoiceNote(VoiceMediaType.MP4, durationMs.toUInt(), out.readBytes())
        } catch (e: Exception) {
            null
        } finally {
            r.release()
            out.delete()
        }
    }

    /** Stops without keeping anything. */
    fun cancel() {
        val r = recorder ?: return
        recorder = null
        runCatching { r.stop() }
        r.release()
        file?.delete()
        file = null
    }
}

/** Plays one voice note at a time, from memory. Call it from the main thread. */
class VoicePlayer {
    private var player: MediaPlayer? = null

    /** Plays [audio], stopping whatever was playing; [finished] when it ends. `false` if it cannot be played. */
    fun play(audio: ByteArray, finished: () -> Unit): Boolean {
        stop()
        val p = MediaPlayer()
        return try {
            p.setDataSource(BytesSource(audio))
            p.setOnCompletionListener {
                stop()
                finished()
            }
            p.prepare()
            p.start()
            player = p
            true
        } catch (e: Exception) {
            p.release()
            false
        }
    }

    fun stop() {
        player?.release()
        player = null
    }

    /** The note's bytes as MediaPlayer reads them, without a file. */
    private class BytesSource(private val bytes: ByteArray) : MediaDataSource() {
        override fun readAt(position: Long, buffer: ByteArray, offset: Int, size: Int): Int {
            if (position >= bytes.size) return -1
            val count = minOf(size.toLong(), bytes.size - position).toInt()
            System.arraycopy(bytes, position.toInt(), buffer, offset, count)
            return count
        }

        override fun getSize(): Long = bytes.size.toLong()

        override fun close() = Unit
    }
}
