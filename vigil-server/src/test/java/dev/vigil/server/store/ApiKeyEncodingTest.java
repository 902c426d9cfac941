package dev.vigil.server.store;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeyEncodingTest {

    private static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Test
    void base62HoldsEvery32ByteValueIn43Digits() {
        byte[] zero = new byte[32];
        byte[] max = new byte[32];
        Arrays.fill(max, (byte) 0xff);
        assertThat(ApiKeyStore.base62(zero)).isEqualTo("0".repeat(43));
        assertThat(ApiKeyStore.base62(max)).hasSize(43);
        long seed = 42;
        Random r = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            byte[] b = new byte[32];
            r.nextBytes(b);
            assertThat(decode(ApiKeyStore.base62(b))).as("seed %d, value %d", seed, i).isEqualTo(new BigInteger(1, b));
        }
        assertThat(decode(ApiKeyStore.base62(max))).isEqualTo(BigInteger.TWO.pow(256).subtract(BigInteger.ONE));
    }

    @Test
    void sha256IsHex() {
        assertThat(ApiKeyStore.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    private static BigInteger decode(String s) {
        BigInteger n = BigInteger.ZERO;
        for (char c : s.toCharArray()) n = n.multiply(BigInteger.valueOf(62)).add(BigInteger.valueOf(DIGITS.indexOf(c)));
        return n;
    }
}
