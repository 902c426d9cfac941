package dev.vigil.server.users;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHasherTest {

    final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreArgon2idInThePhcFormatWithARandomSalt() {
        String a = hasher.hash("correct horse battery");
        String b = hasher.hash("correct horse battery");

        // $argon2id$v=19$m=19456,t=2,p=1$<16 bytes of salt>$<32 bytes of hash>, base64 without padding
        assertThat(a).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(b).isNotEqualTo(a);
        assertThat(hasher.verify("correct horse battery", a)).isTrue();
        assertThat(hasher.verify("correct horse battery", b)).isTrue();
    }

    @Test
    void onlyTheSamePasswordVerifies() {
        String h = hasher.hash("correct horse battery");
        assertThat(hasher.verify("correct horse batterY", h)).isFalse();
        assertThat(hasher.verify("correct horse battery ", h)).isFalse();
        assertThat(hasher.verify("", h)).isFalse();
        String unicode = hasher.hash("pässwörd 🔑 long enough");
        assertThat(hasher.verify("pässwörd 🔑 long enough", unicode)).isTrue();
        assertThat(hasher.verify("passwörd 🔑 long enough", unicode)).isFalse();
    }

    @Test
    void hashesOfTheReferenceImplementationVerify() {
        // made by libargon2 (the reference C implementation, through Python's argon2-cffi):
        // hash_secret(password, salt, time_cost, memory_cost, parallelism, hash_len=32, type=ID)
        String owaspParameters = "$argon2id$v=19$m=19456,t=2,p=1$dmlnaWwtdGVzdC1zYWx0IQ$qpAzXm/u8QPtV3TYrRQOFnFQ71MhC5ttpaGlEoNrjPE";
        assertThat(hasher.verify("correct horse battery staple", owaspParameters)).isTrue();
        assertThat(hasher.verify("correct horse battery stapler", owaspParameters)).isFalse();
        assertThat(hasher.needsRehash(owaspParameters)).isFalse();

        String otherParameters = "$argon2id$v=19$m=4096,t=3,p=2$MDEyMzQ1Njc4OWFiY2RlZg$1TFFcei+WlqmQobBSZmZwpee5aGrRwRdiOjw1Bi5Dcw";
        assertThat(hasher.verify("pässwörd 🔑 long enough", otherParameters)).isTrue();
        assertThat(hasher.needsRehash(otherParameters)).isTrue();
    }

    @Test
    void malformedHashesVerifyNothingAndThrowNothing() {
        String good = hasher.hash("correct horse battery");
        String[] parts = good.split("\\$");
        String salt = parts[4], hash = parts[5];
        String[] malformed = {
                null, "", "correct horse battery", "$", "$$$$$",
                "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + hash,          // another variant
                "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + hash,         // another version
                "$argon2id$m=19456,t=2,p=1$" + salt + "$" + hash,              // no version
                "$argon2id$v=19$m=19456,t=2$" + salt + "$" + hash,             // no parallelism
                "$argon2id$v=19$m=19456,t=2,p=1,x=3$" + salt + "$" + hash,     // unknown parameter
                "$argon2id$v=19$m=lots,t=2,p=1$" + salt + "$" + hash,          // not a number
                "$argon2id$v=19$m=4,t=2,p=1$" + salt + "$" + hash,             // memory below the minimum
                "$argon2id$v=19$m=99999999,t=2,p=1$" + salt + "$" + hash,      // memory beyond reason
                "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + hash,         // no passes
                "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + hash.substring(0, 10), // hash too short
                "$argon2id$v=19$m=19456,t=2,p=1$!!not base64!!$" + hash,
                "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + hash + "$extra",
                "$argon2id$v=19$m=19456,t=2,p=1$" + salt,
                "$argon2id$v=19$=,=,=$" + salt + "$" + hash,
        };
        for (String phc : malformed) {
            assertThat(hasher.verify("correct horse battery", phc)).as("%s", phc).isFalse();
        }
        assertThat(hasher.verify("correct horse battery", good)).isTrue();
    }

    @Test
    void hashesWithOtherParametersNeedRehashing() {
        assertThat(hasher.needsRehash(hasher.hash("correct horse battery"))).isFalse();
        assertThat(hasher.needsRehash(new PasswordHasher(64, 1, 1).hash("correct horse battery"))).isTrue();
        assertThat(hasher.needsRehash(null)).isTrue();
        assertThat(hasher.needsRehash("garbage")).isTrue();
        // a cheaper hasher still verifies what the default one made (the parameters travel with the hash)
        assertThat(new PasswordHasher(64, 1, 1).verify("correct horse battery", hasher.hash("correct horse battery"))).isTrue();
    }
}
