// The top of the UI: waits for the store to open (or explains why it cannot), picks the first
// screen, and keeps a small back stack of screens that survives rotation. The system back
// button (or gesture) goes back one screen; there are no other gestures.
package app.passerelle.demo.ui

import androidx.activity.compose.BackHandler
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateListOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.listSaver
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.snapshots.SnapshotStateList
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.LocalViewModelStoreOwner
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.Person
import app.passerelle.demo.AndroidStrings
import app.passerelle.demo.ChangeBus
import app.passerelle.demo.DemoApplication
import app.passerelle.demo.R
import app.passerelle.demo.StoreState
import app.passerelle.demo.presentation.Presentation
import java.time.ZoneId
import java.util.UUID

/** The screens, with just what each needs to load itself. */
sealed interface Screen {
    data object SignIn : Screen
    /** [ownerId] is the person signed in (kept from sign-in, no call): their own answers read "You said…". */
    data class Home(val mentor: Boolean, val coordinator: Boolean = false, val ownerId: String? = null) : Screen
    data class Mentee(val mentorshipId: String, val name: String) : Screen

    /**
     * Records a contact, amends [amendCheckinId], or records the planned contact
     * [plannedContactId]; [formId] makes every opening a fresh form (its view model is keyed by it).
     */
    data class CheckIn(
        val mentorshipId: String,
        val amendCheckinId: String?,
        val plannedContactId: String? = null,
        val formId: String = UUID.randomUUID().toString(),
    ) : Screen
    data class Conversation(val mentorshipId: String) : Screen

    /** Plans a contact, or moves [changeContactId]; [formId] makes every opening a fresh form. */
    data class PlanContact(val mentorshipId: String, val changeContactId: String?, val formId: String = UUID.randomUUID().toString()) : Screen
    data object Resources : Screen
    data object ThisPhone : Screen

    /** The coordinator's waiting list, each survivor leading to [FindMentor]. */
    data object ChooseSurvivor : Screen
    data class FindMentor(val survivorId: String) : Screen

    /** The supervising professional's roster of every mentor. */
    data object Mentors : Screen
}

// Screens saved as short string lists (what a Bundle holds), so the stack survives rotation.
private fun Screen.encode(): List<String> = when (this) {
    Screen.SignIn -> listOf("sign-in")
    is Screen.Home -> listOf("home", mentor.toString(), coordinator.toString(), ownerId.orEmpty())
    is Screen.Mentee -> listOf("mentee", mentorshipId, name)
    is Screen.CheckIn -> listOf("check-in", mentorshipId, amendCheckinId.orEmpty(), formId, plannedContactId.orEmpty())
    is Screen.Conversation -> listOf("conversation", mentorshipId)
    is Screen.PlanContact -> listOf("plan-contact", mentorshipId, changeContactId.orEmpty(), formId)
    Screen.Resources -> listOf("resources")
    Screen.ThisPhone -> listOf("this-phone")
    Screen.ChooseSurvivor -> listOf("choose-survivor")
    is Screen.FindMentor -> listOf("find-mentor", survivorId)
    Screen.Mentors -> listOf("mentors")
}

private fun decode(parts: List<String>): Screen = when (parts[0]) {
    "home" -> Screen.Home(parts[1].toBoolean(), parts.getOrNull(2) == "true", parts.getOrNull(3)?.ifEmpty { null })
    "mentee" -> Screen.Mentee(parts[1], parts[2])
    "check-in" -> Screen.CheckIn(parts[1], parts[2].ifEmpty { null }, parts.getOrNull(4)?.ifEmpty { null }, parts[3])
    "conversation" -> Screen.Conversation(parts[1])
    "plan-contact" -> Screen.PlanContact(parts[1], parts[2].ifEmpty { null }, parts[3])
    "resources" -> Screen.Resources
    "this-phone" -> Screen.ThisPhone
    "choose-survivor" -> Screen.ChooseSurvivor
    "find-mentor" -> Screen.FindMentor(parts[1])
    "mentors" -> Screen.Mentors
    else -> Screen.SignIn
}

private val stackSaver = listSaver<SnapshotStateList<Screen>, ArrayList<String>>(
    save = { stack -> stack.map { ArrayList(it.encode()) } },
    restore = { saved -> mutableStateListOf(*saved.map { decode(it) }.toTypedArray()) },
)

/** The presenters in the current language, rebuilt when the configuration (language) changes. */
@Composable
fun rememberPresentation(): Presentation {
    val context = LocalContext.current
    val configuration = LocalConfiguration.current
    return remember(configuration) { Presentation(AndroidStrings(context), ZoneId.systemDefault()) }
}

@Composable
fun Root(app: DemoApplication) {
    val p = rememberPresentation()
    val store by app.store.collectAsStateWithLifecycle()
    Surface(modifier = Modifier.fillMaxSize(), color = MaterialTheme.colorScheme.background) {
        when (val s = store) {
            StoreState.Opening -> Waiting()
            is StoreState.Unreadable -> Explain(
                // A lost Keystore key reads to the person exactly like a wrong key.
                text = p.errors.sentence(s.error as? PasserelleException ?: PasserelleException.WrongKey()),
                action = stringResource(R.string.start_again),
                onAction = app::startAgain,
            )
            is StoreState.Failed -> Explain(p.errors.sentence(s.error), stringResource(R.string.retry), app::retry)
            is StoreState.Ready -> Start(s.api, app.changeBus, p, app::rotateKey)
        }
    }
}

@Composable
private fun Start(api: Passerelle, bus: ChangeBus, p: Presentation, rotateKey: (Passerelle) -> Unit) {
    val start: StartViewModel = viewModel { StartViewModel(api) }
    when (val owner = start.owner.collectAsStateWithLifecycle().value) {
        Load.Loading -> Waiting()
        is Load.Failed -> Explain(p.errors.sentence(owner.error), null) {}
        is Load.Loaded -> Navigator(
            initial = owner.value?.home() ?: Screen.SignIn,
            api = api,
            bus = bus,
            p = p,
            rotateKey = rotateKey,
        )
    }
}

@Composable
private fun Navigator(initial: Screen, api: Passerelle, bus: ChangeBus, p: Presentation, rotateKey: (Passerelle) -> Unit) {
    val stack = rememberSaveable(saver = stackSaver) { mutableStateListOf(initial) }
    val viewModels = LocalViewModelStoreOwner.current
    val go: (Screen) -> Unit = { stack.add(it) }
    val back: () -> Unit = { if (stack.size > 1) stack.removeAt(stack.lastIndex) }
    BackHandler(enabled = stack.size > 1, onBack = back)

    when (val screen = stack.last()) {
        Screen.SignIn -> SignInScreen(api, p) { person ->
            stack.clear()
            stack.add(person.home())
        }
        is Screen.Home -> HomeScreen(api, bus, p, screen, go)
        is Screen.Mentee -> MenteeScreen(api, bus, p, screen, go, back)
        is Screen.CheckIn -> CheckInScreen(api, p, screen, back)
        is Screen.Conversation -> ConversationScreen(api, bus, p, screen.mentorshipId, back)
        is Screen.PlanContact -> PlanContactScreen(api, p, screen, back)
        Screen.Resources -> ResourcesScreen(api, p, back)
        Screen.ChooseSurvivor -> ChooseSurvivorScreen(api, bus, p, go, back)
        is Screen.FindMentor -> FindMentorScreen(api, bus, p, screen.survivorId, back)
        Screen.Mentors -> MentorsScreen(api, bus, p, back)
        Screen.ThisPhone -> ThisPhoneScreen(api, p, rotateKey, back) {
            // The screens' state holders still hold the last person's screens (a sync result,
            // a form): a phone ready for someone else starts them afresh, at sign-in.
            viewModels?.viewModelStore?.clear()
            stack.clear()
            stack.add(Screen.SignIn)
        }
    }
}

/** The home screen that fits this person's role. */
private fun Person.home(): Screen.Home = Screen.Home(mentor = hasCaseload(), coordinator = isCoordinator(), ownerId = id)

@Composable
fun Waiting() {
    Column(
        modifier = Modifier.fillMaxSize(),
        verticalArrangement = Arrangement.Center,
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        CircularProgressIndicator()
        Text(stringResource(R.string.home_loading), modifier = Modifier.padding(16.dp))
    }
}

/** A full-screen sentence with at most one way forward. */
@Composable
fun Explain(text: String, action: String?, onAction: () -> Unit) {
    Column(
        modifier = Modifier.fillMaxSize().padding(24.dp),
        verticalArrangement = Arrangement.Center,
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(text, style = MaterialTheme.typography.titleLarge)
        if (action != null) BigButton(action, onAction, Modifier.padding(top = 24.dp))
    }
}
