// Sign in: the server address and the one-time enrolment code, then one `enrol()` call (and a
// first sync). Errors appear under the field to fix, or above the button.
package app.passerelle.demo.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.imePadding
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.safeDrawingPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardCapitalization
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewmodel.compose.viewModel
import app.passerelle.Passerelle
import app.passerelle.core.Person
import app.passerelle.demo.R
import app.passerelle.demo.presentation.Presentation

@Composable
fun SignInScreen(api: Passerelle, p: Presentation, onSignedIn: (Person) -> Unit) {
    val vm: SignInViewModel = viewModel { SignInViewModel(api) }
    val form by vm.form.collectAsStateWithLifecycle()
    val working by vm.working.collectAsStateWithLifecycle()

    Column(
        modifier = Modifier
            .fillMaxSize()
            .safeDrawingPadding()
            .imePadding()
            .verticalScroll(rememberScrollState())
            .padding(24.dp),
    ) {
        Text(
            stringResource(R.string.sign_in_title),
            style = MaterialTheme.typography.headlineMedium,
            modifier = Modifier.semantics { heading() },
        )
        Text(stringResource(R.string.sign_in_intro), modifier = Modifier.padding(vertical = 16.dp))

        OutlinedTextField(
            value = form.code,
            onValueChange = { code -> vm.edit { it.withCode(code) } },
            label = { Text(stringResource(R.string.sign_in_code)) },
            isError = form.codeError != null,
            supportingText = form.codeError?.let { { Text(it) } },
            singleLine = true,
            // Codes are letters and digits in capitals: no autocorrect, capitals by default.
            keyboardOptions = KeyboardOptions(
                capitalization = KeyboardCapitalization.Characters,
                autoCorrectEnabled = false,
                keyboardType = KeyboardType.Ascii,
                imeAction = ImeAction.Next,
            ),
            textStyle = MaterialTheme.typography.headlineSmall,
            modifier = Modifier.fillMaxWidth(),
        )
        OutlinedTextField(
            value = form.serverUrl,
            onValueChange = { url -> vm.edit { it.withServerUrl(url) } },
            label = { Text(stringResource(R.string.sign_in_server)) },
            isError = form.serverError != null,
            supportingText = form.serverError?.let { { Text(it) } },
            singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri, autoCorrectEnabled = false, imeAction = ImeAction.Done),
            modifier = Modifier.fillMaxWidth().padding(top = 8.dp),
        )
        ErrorLine(form.formError)
        BigButton(
            text = stringResource(if (working) R.string.sign_in_working else R.string.sign_in_button),
            onClick = { vm.submit(p.errors, onSignedIn) },
            enabled = !working,
            modifier = Modifier.padding(top = 16.dp),
        )
    }
}
