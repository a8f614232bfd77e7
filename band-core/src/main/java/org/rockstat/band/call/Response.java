package org.rockstat.band.call;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * A typed result that front renders specially (PROTOCOL §3): data with a status, a 1x1 pixel, a
 * redirect or an error. Return one from any service method; any other value is plain data
 * (HTTP 200 with its JSON).
 *
 * <pre>{@code
 * @Handler public Response pix()  { return Response.pixel(); }
 * @Handler public Response go()   { return Response.redirect("https://example.com/"); }
 * @Handler public Response bad()  { return Response.error("no such campaign", 404); }
 * @Handler public Response csv()  { return Response.data("a,b\n1,2").contentType("text/csv"); }
 * }</pre>
 *
 * <p>Each is immutable; {@code header(...)} returns a copy with one more header.
 */
public sealed interface Response permits Response.Data, Response.Pixel, Response.Redirect, Response.Error {

    /** {@code data}, {@code pixel}, {@code redirect} or {@code error}: the wire's {@code type__}. */
    @JsonProperty("type__")
    String type();

    /** HTTP status front answers with. */
    int statusCode();

    /** Extra HTTP headers, each {@code [name, value]}. */
    List<List<String>> headers();

    /** Data rendered as JSON (a string as-is) with status 200. */
    static Data data(Object data) {
        return new Data(data, 200, null, List.of());
    }

    /** Data with another status. */
    static Data data(Object data, int statusCode) {
        return new Data(data, statusCode, null, List.of());
    }

    /** A 1x1 transparent GIF. */
    static Pixel pixel() {
        return new Pixel(200, List.of());
    }

    /** A 302 redirect to {@code location}. */
    static Redirect redirect(String location) {
        return new Redirect(location, 302, List.of());
    }

    /** An error rendered as {@code {"message": message}} with status 500. */
    static Error error(String message) {
        return new Error(message, 500, List.of());
    }

    /** An error with the given status. */
    static Error error(String message, int statusCode) {
        return new Error(message, statusCode, List.of());
    }

    /** Typed data. */
    @JsonPropertyOrder({"type__", "statusCode", "data", "contentType", "headers"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Data(
            @JsonInclude(JsonInclude.Include.ALWAYS) Object data,
            int statusCode,
            String contentType,
            List<List<String>> headers)
            implements Response {
        public Data {
            headers = List.copyOf(headers);
        }

        @Override
        public String type() {
            return "data";
        }

        /** A copy with this content type (front's default is JSON). */
        public Data contentType(String value) {
            return new Data(data, statusCode, value, headers);
        }

        /** A copy with one more header. */
        public Data header(String name, String value) {
            return new Data(data, statusCode, contentType, ResponseHeaders.with(headers, name, value));
        }
    }

    /** The tracking pixel. */
    @JsonPropertyOrder({"type__", "statusCode", "headers"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Pixel(int statusCode, List<List<String>> headers) implements Response {
        public Pixel {
            headers = List.copyOf(headers);
        }

        @Override
        public String type() {
            return "pixel";
        }

        /** A copy with one more header. */
        public Pixel header(String name, String value) {
            return new Pixel(statusCode, ResponseHeaders.with(headers, name, value));
        }
    }

    /** A redirect. */
    @JsonPropertyOrder({"type__", "location", "statusCode", "headers"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Redirect(String location, int statusCode, List<List<String>> headers) implements Response {
        public Redirect {
            Objects.requireNonNull(location, "location");
            headers = List.copyOf(headers);
        }

        @Override
        public String type() {
            return "redirect";
        }

        /** A copy with another redirect status (301, 303, 307, 308). */
        public Redirect status(int value) {
            return new Redirect(location, value, headers);
        }

        /** A copy with one more header. */
        public Redirect header(String name, String value) {
            return new Redirect(location, statusCode, ResponseHeaders.with(headers, name, value));
        }
    }

    /** An error front renders as {@code {"message": errorMessage}}. */
    // named after the wire's type__ "error", as its siblings are; always used qualified (Response.Error)
    @SuppressWarnings("AvoidCommonTypeNames")
    @JsonPropertyOrder({"type__", "statusCode", "errorMessage", "headers"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Error(@JsonProperty("errorMessage") String message, int statusCode, List<List<String>> headers)
            implements Response {
        public Error {
            message = message == null ? "" : message;
            headers = List.copyOf(headers);
        }

        @Override
        public String type() {
            return "error";
        }

        /** A copy with one more header. */
        public Error header(String name, String value) {
            return new Error(message, statusCode, ResponseHeaders.with(headers, name, value));
        }
    }
}
