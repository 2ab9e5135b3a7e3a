// The screens' state holders. Each loads what its screen shows with one binding call on
// Dispatchers.IO (every call is blocking and one transaction), keeps the raw records, and
// reloads when the change bus names a collection it shows. Wording is left to the screens'
// presenters, so a language change needs no reload.
package app.passerelle.demo.ui

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.SyncProgressObserver
import app.passerelle.core.CaseloadEntry
import app.passerelle.core.ContactReply
import app.passerelle.core.Conversation
import app.passerelle.core.Mentorship
import app.passerelle.core.Person
import app.passerelle.core.Role
import app.passerelle.core.SyncIssue
import app.passerelle.core.SyncProgress
import app.passerelle.core.SyncSummary
import app.passerelle.core.TimelineEntry
import app.passerelle.core.UpcomingContact
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.presentation.CaseloadPresenter
import app.passerelle.demo.presentation.CheckInForm
import app.passerelle.demo.presentation.ErrorText
import app.passerelle.demo.presentation.Export
import app.passerelle.demo.presentation.PlanContactForm
import app.passerelle.demo.presentation.PlanSubmission
import app.passerelle.demo.presentation.RelativeTime
import app.passerelle.demo.presentation.SignIn
import app.passerelle.demo.presentation.SignInForm
import app.passerelle.demo.presentation.Submission
import app.passerelle.demo.presentation.ThisPhonePresenter
import app.passerelle.demo.presentation.UpcomingContactsPresenter
import app.passerelle.demo.presentation.VoiceRecording
import app.passerelle.demo.presentation.WipeStep
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** What a screen has to show. */
sealed interface Load<out T> {
    data object Loading : Load<Nothing>
    data class Loaded<T>(val value: T) : Load<T>
    data class Failed(val error: PasserelleException) : Load<Nothing>
}

/** The loaded value, or `null` while loading or after a failure. */
fun <T> Load<T>.valueOrNull(): T? = when (this) {
    is Load.Loaded -> value
    else -> null
}

/** Runs one blocking binding call off the main thread. */
suspend fun <T> call(block: () -> T): Load<T> = try {
    Load.Loaded(withContext(Dispatchers.IO) { block() })
} catch (e: PasserelleException) {
    Load.Failed(e)
}

/** Base for screens that reload when one of [watched] changes (a local write or a sync). */
abstract class LiveScreen<T>(bus: ChangeBus, private val watched: Set<String>) : ViewModel() {
    private val _state = MutableStateFlow<Load<T>>(Load.Loading)
    val state: StateFlow<Load<T>> get() = _state

    init {
        viewModelScope.launch {
            bus.changes.filter { changed -> changed.any { it in watched } }.collect { reload() }
        }
    }

    protected abstract fun load(): T

    fun reload() {
        viewModelScope.launch { _state.value = call { load() } }
    }
}

/** Decides the first screen: signed in and enrolled, or not yet. */
class StartViewModel(private val api: Passerelle) : ViewModel() {
    val owner = MutableStateFlow<Load<Person?>>(Load.Loading)

    init {
        viewModelScope.launch { owner.value = call { api.syncServerUrl()?.let { api.deviceOwner() } } }
    }
}

class SignInViewModel(private val api: Passerelle) : ViewModel() {
    val form = MutableStateFlow(SignInForm(serverUrl = DEFAULT_SERVER))
    val working = MutableStateFlow(false)

    fun edit(change: (SignInForm) -> SignInForm) = form.update(change)

    /** Enrols, then syncs once so the home screen has data; [onSignedIn] runs on the main thread. */
    fun submit(errors: ErrorText, onSignedIn: (Person) -> Unit) {
        if (working.value) return
        working.value = true
        viewModelScope.launch {
            when (val result = withContext(Dispatchers.IO) { form.value.submit(api, errors) }) {
                is SignIn.SignedIn -> {
                    // A failed first sync is not a failed sign-in: the home screen offers "Sync now".
                    call { api.sync(null) }
                    onSignedIn(result.person)
                }
                is SignIn.Rejected -> form.value = result.form
            }
            working.value = false
        }
    }

    private companion object {
        // The development machine as the Android emulator sees it.
        const val DEFAULT_SERVER = "http://10.0.2.2:8080"
    }
}

/** A mentor's caseload: one `caseload()` call. */
class CaseloadViewModel(private val api: Passerelle, bus: ChangeBus) :
    LiveScreen<List<CaseloadEntry>>(bus, CaseloadPresenter.WATCHED) {
    init { reload() }

    override fun load(): List<CaseloadEntry> = api.caseload()
}

/** Anyone else (a survivor, a caregiver): their conversations, from one `myMentorships()` call. */
class MyMentorshipsViewModel(private val api: Passerelle, bus: ChangeBus) :
    LiveScreen<List<Mentorship>>(bus, setOf("mentorship")) {
    init { reload() }

    override fun load(): List<Mentorship> = api.myMentorships()
}

/** A mentee's past contacts: one `mentorshipTimeline()` call. */
class MenteeViewModel(private val api: Passerelle, bus: ChangeBus, private val mentorshipId: String) :
    LiveScreen<List<TimelineEntry>>(bus, setOf("checkin", "escalation", "mentorship_event")) {
    init { reload() }

    override fun load(): List<TimelineEntry> = api.mentorshipTimeline(mentorshipId)
}

/** Which planned contacts a list shows. */
enum class ContactList {
    /** Still to come or under way: `upcomingContacts()`. */
    UPCOMING,

    /** Over and waiting for a check-in (the mentor's "To record"): `contactsToRecord()`. */
    TO_RECORD,
}

/**
 * Planned contacts: one call, of every mentorship under way ([mentorshipId] `null`, the
 * survivor's Home) or of one (the mentor's Mentee screen) — those still to come, or those over
 * that wait to be recorded ([list]). Each comes with the owner's side and what they may do, so no
 * other call is needed; the answer and cancel buttons make one call each, and the change bus
 * reloads the rows after it.
 */
class UpcomingViewModel(
    private val api: Passerelle,
    bus: ChangeBus,
    private val mentorshipId: String?,
    private val list: ContactList = ContactList.UPCOMING,
) : LiveScreen<List<UpcomingContact>>(bus, UpcomingContactsPresenter.WATCHED) {
    /** Why the last answer or cancellation did not go through, in a sentence. */
    val actionError = MutableStateFlow<String?>(null)
    private var working = false

    init { reload() }

    override fun load(): List<UpcomingContact> = when (list) {
        ContactList.UPCOMING -> api.upcomingContacts(mentorshipId)
        ContactList.TO_RECORD -> api.contactsToRecord(mentorshipId)
    }

    fun reply(presenter: UpcomingContactsPresenter, contactId: String, reply: ContactReply) =
        act { presenter.reply(api, contactId, reply) }

    fun cancel(presenter: UpcomingContactsPresenter, contactId: String) = act { presenter.cancel(api, contactId) }

    private fun act(run: () -> String?) {
        if (working) return
        working = true
        viewModelScope.launch {
            actionError.value = withContext(Dispatchers.IO) { run() }
            working = false
        }
    }
}

/**
 * The conversation: one `conversation()` call; marks it read while it is on screen. Sends what
 * is written, and voice notes: tap to record, tap to stop and send (or cancel), stopped and sent
 * at the core's longest note; tap a note to play it, again to stop; tap one on its way to
 * download it and play it.
 */
class ConversationViewModel(
    private val api: Passerelle,
    bus: ChangeBus,
    private val mentorshipId: String,
    private val recorder: VoiceRecorder,
) : LiveScreen<Conversation>(bus, setOf("message", "conversation_read")) {
    val draft = MutableStateFlow("")
    val sendError = MutableStateFlow<PasserelleException?>(null)

    /** Milliseconds recorded so far, `null` when not recording; moves every half second. */
    val recordingMs = MutableStateFlow<Long?>(null)
    val recordProblem = MutableStateFlow<RecordProblem?>(null)

    /** The voice note playing, by message id. */
    val playing = MutableStateFlow<String?>(null)

    /** The voice note on its way being downloaded to play, by message id; one at a time. */
    val fetching = MutableStateFlow<String?>(null)
    private val player = VoicePlayer()
    private var ticker: Job? = null

    init {
        reload()
        viewModelScope.launch { call { api.markConversationRead(mentorshipId) } }
    }

    override fun load(): Conversation = api.conversation(mentorshipId, PAGE)

    fun send() {
        val body = draft.value
        viewModelScope.launch {
            when (val sent = call { api.sendMessage(mentorshipId, body) }) {
                is Load.Loaded -> {
                    draft.value = ""
                    sendError.value = null
                }
                is Load.Failed -> sendError.value = sent.error
                Load.Loading -> Unit
            }
        }
    }

    fun markRead() {
        viewModelScope.launch { call { api.markConversationRead(mentorshipId) } }
    }

    /** Starts recording (the screen has the microphone permission by now). */
    fun startRecording() {
        player.stop()
        playing.value = null
        if (!recorder.start()) {
            recordProblem.value = RecordProblem.FAILED
            return
        }
        recordProblem.value = null
        ticker = viewModelScope.launch {
            while (true) {
                val elapsed = recorder.elapsedMs ?: break
                recordingMs.value = elapsed
                if (elapsed >= VoiceRecording.MAX_MS) {
                    stopAndSend()
                    break
                }
                delay(500)
            }
        }
    }

    fun stopAndSend() {
        stopTicking()
        val note = recorder.stop()
        if (note == null) {
            recordProblem.value = RecordProblem.FAILED
            return
        }
        viewModelScope.launch {
            when (val sent = call { api.sendVoiceNote(mentorshipId, note) }) {
                is Load.Loaded -> sendError.value = null
                is Load.Failed -> sendError.value = sent.error
                Load.Loading -> Unit
            }
        }
    }

    fun cancelRecording() {
        stopTicking()
        recorder.cancel()
    }

    fun microphoneRefused() {
        recordProblem.value = RecordProblem.NO_MICROPHONE
    }

    /**
     * Plays a voice note (one `voiceNoteAudio()` call), or stops it if it is the one playing. A
     * note on its way ([fetch]) is downloaded first, with one `fetchVoiceNote()` call: the core
     * keeps it and the change bus reloads the conversation, where it is now playable.
     */
    fun play(messageId: String, fetch: Boolean) {
        if (fetching.value != null) return
        val wasPlaying = playing.value
        player.stop()
        playing.value = null
        if (wasPlaying == messageId) return
        if (fetch) fetching.value = messageId
        viewModelScope.launch {
            val audio = call { if (fetch) api.fetchVoiceNote(messageId) else api.voiceNoteAudio(messageId) }
            fetching.value = null
            when (audio) {
                is Load.Loaded -> {
                    if (fetch) sendError.value = null
                    if (player.play(audio.value.audio) { playing.value = null }) {
                        playing.value = messageId
                    } else {
                        recordProblem.value = RecordProblem.CANNOT_PLAY
                    }
                }
                // Not sent yet by its sender, or no connection: the error's sentence.
                is Load.Failed -> sendError.value = audio.error
                Load.Loading -> Unit
            }
        }
    }

    private fun stopTicking() {
        ticker?.cancel()
        ticker = null
        recordingMs.value = null
    }

    override fun onCleared() {
        recorder.cancel()
        player.stop()
    }

    private companion object {
        const val PAGE = 100u
    }
}

/** Why a voice note could not be recorded or played; the screen words it. */
enum class RecordProblem { NO_MICROPHONE, FAILED, CANNOT_PLAY }

/**
 * The check-in form: blank, or prefilled with the current version of [amendCheckinId] (one
 * `checkin()` call) to amend it, or with the planned contact [plannedContactId] (one
 * `plannedContact()` call) to record it.
 */
class CheckInViewModel(
    private val api: Passerelle,
    mentorshipId: String,
    amendCheckinId: String?,
    plannedContactId: String?,
) : ViewModel() {
    val form = MutableStateFlow<Load<CheckInForm>>(Load.Loading)
    val saving = MutableStateFlow(false)

    init {
        viewModelScope.launch {
            form.value = when {
                amendCheckinId != null -> call { CheckInForm.amend(api.checkin(amendCheckinId)) }
                // Gone from the phone or out of the owner's mentorships since: the core's refusal.
                plannedContactId != null -> call { CheckInForm.loadRecording(api, plannedContactId) }
                else -> Load.Loaded(CheckInForm.new(mentorshipId, System.currentTimeMillis()))
            }
        }
    }

    fun edit(change: (CheckInForm) -> CheckInForm) = form.update { if (it is Load.Loaded) Load.Loaded(change(it.value)) else it }

    /** Saves with one binding call; [onSaved] gets whether a concern was escalated. */
    fun save(errors: ErrorText, onSaved: (escalated: Boolean) -> Unit) {
        val current = form.value.valueOrNull() ?: return
        if (saving.value) return
        saving.value = true
        viewModelScope.launch {
            when (val result = withContext(Dispatchers.IO) { current.submit(api, errors) }) {
                is Submission.Saved -> onSaved(result.recorded.escalation != null)
                is Submission.Rejected -> form.value = Load.Loaded(result.form)
            }
            saving.value = false
        }
    }
}

/**
 * The plan form: blank, or prefilled with the contact [changeContactId] (one `plannedContact()`
 * call) to move it.
 */
class PlanContactViewModel(
    private val api: Passerelle,
    mentorshipId: String,
    changeContactId: String?,
    time: RelativeTime,
) : ViewModel() {
    val form = MutableStateFlow<Load<PlanContactForm>>(Load.Loading)
    val saving = MutableStateFlow(false)

    init {
        viewModelScope.launch {
            val now = System.currentTimeMillis()
            form.value = if (changeContactId == null) {
                Load.Loaded(PlanContactForm.new(mentorshipId, now))
            } else {
                // Gone from the phone or out of the owner's mentorships since: the core's refusal.
                call { PlanContactForm.loadChange(api, changeContactId, time, now) }
            }
        }
    }

    fun edit(change: (PlanContactForm) -> PlanContactForm) = form.update { if (it is Load.Loaded) Load.Loaded(change(it.value)) else it }

    /** Saves with one binding call; [onSaved] runs on the main thread. */
    fun save(time: RelativeTime, errors: ErrorText, onSaved: () -> Unit) {
        val current = form.value.valueOrNull() ?: return
        if (saving.value) return
        saving.value = true
        viewModelScope.launch {
            when (val result = withContext(Dispatchers.IO) { current.submit(api, time, errors) }) {
                is PlanSubmission.Saved -> onSaved()
                is PlanSubmission.Rejected -> form.value = Load.Loaded(result.form)
            }
            saving.value = false
        }
    }
}

/** The sync button: runs `sync()` with progress, then reads the sync issues. */
class SyncViewModel(private val api: Passerelle) : ViewModel() {
    data class State(
        val running: Boolean = false,
        val progress: SyncProgress? = null,
        val summary: SyncSummary? = null,
        val error: PasserelleException? = null,
        val issues: List<SyncIssue> = listOf(),
    )

    val state = MutableStateFlow(State())

    init {
        viewModelScope.launch { call { api.syncIssues() }.valueOrNull()?.let { issues -> state.update { it.copy(issues = issues) } } }
    }

    fun sync() {
        if (state.value.running) return
        state.value = state.value.copy(running = true, progress = null, summary = null, error = null)
        // Called on the syncing thread; a StateFlow update is safe from any thread.
        val observer = object : SyncProgressObserver {
            override fun onProgress(progress: SyncProgress) = state.update { it.copy(progress = progress) }
        }
        viewModelScope.launch {
            val result = call { api.sync(observer) }
            val issues = call { api.syncIssues() }.valueOrNull() ?: state.value.issues
            state.update {
                it.copy(
                    running = false,
                    progress = null,
                    summary = result.valueOrNull(),
                    error = (result as? Load.Failed)?.error,
                    issues = issues,
                )
            }
        }
    }

    fun dismiss(issue: SyncIssue) {
        viewModelScope.launch {
            if (call { api.dismissSyncIssue(issue.id) } is Load.Loaded) {
                state.update { s -> s.copy(issues = s.issues.filterNot { it.id == issue.id }) }
            }
        }
    }
}

/**
 * "This phone": the export, and the steps of removing everything personal from the phone.
 * [rotateKey] gives the store a new key once the data is gone (the app's key store).
 */
class ThisPhoneViewModel(private val api: Passerelle, private val rotateKey: (Passerelle) -> Unit) : ViewModel() {
    val step = MutableStateFlow<WipeStep>(WipeStep.Idle)
    val removing = MutableStateFlow(false)
    val exportError = MutableStateFlow<String?>(null)
    private var exporting = false

    fun ask(presenter: ThisPhonePresenter) {
        step.value = presenter.ask()
    }

    fun cancel(presenter: ThisPhonePresenter) {
        step.value = presenter.cancel()
    }

    /** Reads the export off the main thread; [share] gets the JSON on the main thread, and it is not kept here. */
    fun export(presenter: ThisPhonePresenter, share: (String) -> Unit) {
        if (exporting) return
        exporting = true
        viewModelScope.launch {
            when (val result = withContext(Dispatchers.IO) { presenter.export(api) }) {
                is Export.Ready -> {
                    exportError.value = null
                    share(result.json)
                }
                is Export.Failed -> exportError.value = result.sentence
            }
            exporting = false
        }
    }

    fun exportFailed(sentence: String) {
        exportError.value = sentence
    }

    fun confirm(presenter: ThisPhonePresenter) = remove { presenter.confirm(api, rotateKey) }

    fun discardUnsent(presenter: ThisPhonePresenter) = remove { presenter.discardUnsent(api, rotateKey) }

    private fun remove(run: () -> WipeStep) {
        if (removing.value) return
        removing.value = true
        viewModelScope.launch {
            // Blocking: a transaction, the network (to end the session) and the Keystore.
            step.value = withContext(Dispatchers.IO) { run() }
            removing.value = false
        }
    }
}

/** Whether this person's home is the caseload. */
fun Person.hasCaseload(): Boolean = role == Role.MENTOR

/** Whether this person matches survivors with mentors ("Find a mentor" on their home). */
fun Person.isCoordinator(): Boolean = role == Role.PROFESSIONAL
