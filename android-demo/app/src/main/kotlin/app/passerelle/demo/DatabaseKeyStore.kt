// The database key: 32 random bytes made on this device (once, and again after a wipe), kept on
// disk only wrapped (AES-256-GCM) by a key that lives in the Android Keystore and never leaves
// it. The raw key exists in memory only while the database is being opened or re-keyed.
package app.passerelle.demo

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.util.AtomicFile
import java.io.File
import java.io.IOException
import java.nio.ByteBuffer
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/** The wrapped key is there but cannot be unwrapped (Keystore reset, app data restored elsewhere). */
class KeyLostException(cause: Throwable?) : Exception("the database key cannot be unwrapped", cause)

class DatabaseKeyStore(context: Context) {
    // noBackupFilesDir: never part of a backup, like the database next to it.
    private val wrappedFile = AtomicFile(File(context.noBackupFilesDir, WRAPPED_FILE))

    /**
     * The database key: unwraps the stored one, or makes, wraps and stores a new one on first run.
     * The caller wipes the returned array once the database is open. Blocking (Keystore, disk):
     * call it off the main thread.
     */
    @Throws(KeyLostException::class)
    fun loadOrCreate(): ByteArray {
        val keyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
        if (wrappedFile.baseFile.exists()) {
            val wrappingKey = keyStore.getKey(ALIAS, null) as? SecretKey ?: throw KeyLostException(null)
            return try {
                unwrap(wrappingKey, wrappedFile.readFully())
            } catch (e: GeneralSecurityException) {
                throw KeyLostException(e)
            } catch (e: IOException) {
                throw KeyLostException(e)
            }
        }
        val wrappingKey = keyStore.getKey(ALIAS, null) as? SecretKey ?: generateWrappingKey()
        val key = newKey()
        try {
            store(wrappingKey, key)
        } catch (e: Exception) {
            key.fill(0)
            throw e
        }
        return key
    }

    /**
     * After the phone was wiped: a new key, so nothing the old one opened can be read with it
     * again. [rekey] re-encrypts the open store with the new key; only then is the key kept, in
     * place of the old one and wrapped by a new Keystore key (the old wrapping key is deleted,
     * so a stale copy of the old wrapped file left on flash cannot be unwrapped either).
     * A crash between the two leaves a store the kept key does not open; the app then offers
     * "Start again", which loses nothing, the store being empty. Blocking: off the main thread.
     */
    fun rotate(rekey: (ByteArray) -> Unit) {
        val key = newKey()
        try {
            rekey(key)
            KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }.deleteEntry(ALIAS)
            store(generateWrappingKey(), key)
        } finally {
            key.fill(0)
        }
    }

    private fun newKey(): ByteArray = ByteArray(KEY_BYTES).also { SecureRandom().nextBytes(it) }

    private fun store(wrappingKey: SecretKey, key: ByteArray) {
        val stream = wrappedFile.startWrite()
        try {
            stream.write(wrap(wrappingKey, key))
            wrappedFile.finishWrite(stream) // fsync, then rename: never a half-written key
        } catch (e: Exception) {
            wrappedFile.failWrite(stream)
            throw e
        }
    }

    /**
     * Forgets the key after it was lost: the next [loadOrCreate] makes a new one. The old
     * database must have been moved aside first (see [DemoApplication]); it is never deleted.
     */
    fun forget() {
        wrappedFile.delete()
        KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }.deleteEntry(ALIAS)
    }

    private fun generateWrappingKey(): SecretKey {
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setKeySize(256)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                // The Keystore picks every IV, so one can never be reused.
                .setRandomizedEncryptionRequired(true)
                // No user authentication: a mentor records check-ins offline at any moment, and
                // the phone's own lock screen already guards the device.
                .build(),
        )
        return generator.generateKey()
    }

    /** version (1 byte) | IV length (1 byte) | IV | ciphertext with its 16-byte GCM tag. */
    private fun wrap(wrappingKey: SecretKey, key: ByteArray): ByteArray {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey)
        val iv = cipher.iv
        val sealed = cipher.doFinal(key)
        return ByteBuffer.allocate(2 + iv.size + sealed.size)
            .put(FORMAT_VERSION)
            .put(iv.size.toByte())
            .put(iv)
            .put(sealed)
            .array()
    }

    private fun unwrap(wrappingKey: SecretKey, stored: ByteArray): ByteArray {
        val buffer = ByteBuffer.wrap(stored)
        if (stored.size < 2 || buffer.get() != FORMAT_VERSION) throw GeneralSecurityException("unknown wrapped-key format")
        val iv = ByteArray(buffer.get().toInt() and 0xff)
        if (buffer.remaining() < iv.size + GCM_TAG_BITS / 8) throw GeneralSecurityException("truncated wrapped key")
        buffer.get(iv)
        val sealed = ByteArray(buffer.remaining()).also { buffer.get(it) }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey, GCMParameterSpec(GCM_TAG_BITS, iv))
        val key = cipher.doFinal(sealed)
        if (key.size != KEY_BYTES) {
            key.fill(0)
            throw GeneralSecurityException("wrapped key has the wrong length")
        }
        return key
    }

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "passerelle.database-key-wrapper"
        const val WRAPPED_FILE = "passerelle.key"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val GCM_TAG_BITS = 128
        const val KEY_BYTES = 32
        const val FORMAT_VERSION: Byte = 1
    }
}
