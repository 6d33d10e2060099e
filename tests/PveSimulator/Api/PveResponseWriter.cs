using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using PveSimulator.Model;

namespace PveSimulator.Api;

/// <summary>Writes PVE's JSON envelope and its error conventions (text in the reason phrase, optional "message").</summary>
internal sealed class PveResponseWriter(PveRelease release)
{
    private const string JsonContentType = "application/json;charset=UTF-8";

    // Perl's JSON writes quotes and non-ASCII text as they are; the default encoder would send \u0027 for "'".
    private static readonly JsonSerializerOptions BodyFormat = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Task WriteDataAsync(HttpContext http, JsonNode? data, IReadOnlyDictionary<string, JsonNode?>? extraFields = null)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        var body = new JsonObject { ["data"] = data };
        foreach (var (name, value) in extraFields ?? new Dictionary<string, JsonNode?>())
        {
            body[name] = value;
        }

        return WriteJsonAsync(http, body);
    }

    public Task WriteErrorAsync(HttpContext http, PveApiException error)
    {
        http.Response.StatusCode = error.StatusCode;
        SetReasonPhrase(http, FirstLine(error.Message));
        if (error.EmptyBody)
        {
            http.Response.ContentLength = 0;
            return Task.CompletedTask;
        }

        var body = new JsonObject();
        if (error.ParameterErrors is { } errors)
        {
            var errorObject = new JsonObject();
            foreach (var (name, text) in errors)
            {
                errorObject[name] = text;
            }

            body["errors"] = errorObject;
        }

        body["data"] = null;
        if (release.ErrorBodyHasMessage)
        {
            // PVE's die messages end in a newline and the body keeps it; clients strip it.
            body["message"] = error.Message.EndsWith('\n') ? error.Message : error.Message + "\n";
        }

        return WriteJsonAsync(http, body);
    }

    /// <summary>Kestrel sends this on HTTP/1.1 status lines; it is where PVE puts the error text.</summary>
    public static void SetReasonPhrase(HttpContext http, string reasonPhrase)
    {
        var feature = http.Features.Get<IHttpResponseFeature>();
        if (feature is not null)
        {
            feature.ReasonPhrase = reasonPhrase;
        }
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOfAny(['\r', '\n']);
        return newline >= 0 ? message[..newline] : message;
    }

    private static async Task WriteJsonAsync(HttpContext http, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(BodyFormat));
        http.Response.ContentType = JsonContentType;
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
