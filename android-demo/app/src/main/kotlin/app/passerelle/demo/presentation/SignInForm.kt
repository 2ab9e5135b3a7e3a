// The sign-in form: the server's address and the one-time enrolment code a coordinator gave,
// sent with one `enrol()` call. What a valid code or address is, is for the core and the
// server to say; their answer lands under the field it names or above the form.
package app.passerelle.demo.presentation

import app.passerelle.Passerelle
import app.passerelle.PasserelleException
import app.passerelle.core.Person

data class SignInForm(
    val serverUrl: String = "",
    val code: String = "",
    val serverError: String? = null,
    val codeError: String? = null,
    val formError: String? = null,
) {
    fun withServerUrl(url: String) = copy(serverUrl = url, serverError = null, formError = null)
    fun withCode(code: String) = copy(code = code, codeError = null, formError = null)

    /** Enrols this device (blocking: network). */
    fun submit(api: Passerelle, errorText: ErrorText): SignIn = try {
        SignIn.SignedIn(api.enrol(serverUrl, code))
    } catch (e: PasserelleException) {
        SignIn.Rejected(withError(e, errorText))
    }

    fun withError(error: PasserelleException, errorText: ErrorText): SignInForm = when {
        error is PasserelleException.InvalidInput && error.field == "server_url" ->
            copy(serverError = errorText.problem(error.problem), formError = null)
        error is PasserelleException.InvalidInput && error.field == "code" ->
            copy(codeError = errorText.problem(error.problem), formError = null)
        // A refused code is about the code: show it there, where the person will correct it.
        error is PasserelleException.InvalidEnrolmentCode -> copy(codeError = errorText.sentence(error), formError = null)
        else -> copy(formError = errorText.sentence(error))
    }
}

sealed class SignIn {
    data class SignedIn(val person: Person) : SignIn()
    data class Rejected(val form: SignInForm) : SignIn()
}
