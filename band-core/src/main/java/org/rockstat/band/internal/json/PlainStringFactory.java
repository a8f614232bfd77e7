package org.rockstat.band.internal.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Jackson's factory, with a parser of UTF-8 byte arrays (every message on the bus, every HTTP
 * body) that makes a string value's {@code String} straight from the input when the string is
 * plain ASCII: no escape, no control character, nothing of two bytes or more before its closing
 * quote. Jackson decodes every string a byte at a time into segments of {@code char}s (two bytes
 * a character), then copies the segments into a {@code StringBuilder} and that into the
 * {@code String}: at 100 KB a message, a third of what a {@code debug.data} echo allocated and
 * its slowest loop (BENCHMARKS.md, "Less garbage a message"). Here the string's bytes are scanned
 * eight at a time for its end, and copied once into a one-byte {@code String}, the JDK's own form
 * of an ASCII text. Any other string, and any other input (a stream, a BOM, UTF-16), is Jackson's:
 * the values, the errors and the limits ({@code StreamReadConstraints}) are the same either way.
 */
final class PlainStringFactory extends JsonFactory {
    private static final long serialVersionUID = 1L;

    PlainStringFactory(JsonFactoryBuilder builder) {
        super(builder);
    }

    private PlainStringFactory(PlainStringFactory source) {
        super(source, null);
    }

    @Override
    public JsonFactory copy() {
        return new PlainStringFactory(this);
    }

    /**
     * JSON, as Jackson's own factory says (it names its format only for its own class): what
     * Jackson checks before {@code rebuild()} and its other JSON-only features. A factory
     * rebuilt from this one is Jackson's, without the shortcut.
     */
    @Override
    public String getFormatName() {
        return FORMAT_NAME_JSON;
    }

    @Override
    protected JsonParser _createParser(byte[] data, int offset, int length, IOContext context) throws IOException {
        if (!utf8WithoutBom(data, offset, length) || !Feature.CANONICALIZE_FIELD_NAMES.enabledIn(_factoryFeatures)) {
            return super._createParser(data, offset, length, context);
        }
        // what Jackson's byte-source bootstrapper does for UTF-8 without a BOM
        _streamReadConstraints.validateDocumentLength(length);
        context.setEncoding(JsonEncoding.UTF8);
        return new Parser(
                context,
                _parserFeatures,
                _objectCodec,
                _byteSymbolCanonicalizer.makeChild(_factoryFeatures),
                data,
                offset,
                offset + length);
    }

    /**
     * Whether Jackson's encoding detection would say UTF-8 and skip nothing: the first four bytes
     * hold no zero (UTF-16 and UTF-32 put one beside every ASCII character) and the first is
     * ASCII, so no byte order mark (every one starts with 0xEF, 0xFE, 0xFF or a zero).
     */
    private static boolean utf8WithoutBom(byte[] data, int offset, int length) {
        if (length < 4 || data[offset] < 0) {
            return false;
        }
        for (int i = offset; i < offset + 4; i++) {
            if (data[i] == 0) {
                return false;
            }
        }
        return true;
    }

    /** Jackson's UTF-8 parser with the plain strings' shortcut. */
    private static final class Parser extends UTF8StreamJsonParser {
        Parser(
                IOContext context,
                int features,
                ObjectCodec codec,
                ByteQuadsCanonicalizer symbols,
                byte[] input,
                int start,
                int end) {
            super(context, features, null, codec, symbols, input, start, end, 0, false);
        }

        /**
         * The string whose opening quote was just read, where every way of reading a string value
         * whole goes ({@code getText}, {@code getValueAsString}, {@code nextTextValue}); the
         * text's buffer then holds the {@code String} itself, which is what it returns from then
         * on, as chars too.
         */
        @Override
        protected String _finishAndReturnString() throws IOException {
            int start = _inputPtr;
            int quote = JsonBytes.firstSpecial(_inputBuffer, start, _inputEnd, false);
            if (quote < 0 || _inputBuffer[quote] != '"') {
                return super._finishAndReturnString();
            }
            int length = quote - start;
            _streamReadConstraints.validateStringLength(length);
            String text = new String(_inputBuffer, start, length, StandardCharsets.ISO_8859_1);
            _inputPtr = quote + 1;
            _textBuffer.resetWithString(text);
            return text;
        }
    }
}
