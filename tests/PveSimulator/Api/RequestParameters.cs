using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PveSimulator.Api;

/// <summary>
/// Query, form and JSON body parameters of one request, validated the way PVE's JSONSchema does:
/// unknown names are refused, form booleans are only 0/1 while JSON bodies may also say true/false.
/// </summary>
internal sealed partial class RequestParameters
{
    private const string NotInSchema = "property is not defined in schema and the schema does not allow additional properties";

    private readonly Dictionary<string, JsonNode?> values;

    private RequestParameters(Dictionary<string, JsonNode?> values) => this.values = values;

    public static RequestParameters Empty { get; } = new([]);

    public static async Task<RequestParameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Query)
        {
            values[name] = JsonValue.Create(value.ToString());
        }

        if (HttpMethods.IsGet(request.Method))
        {
            return new RequestParameters(values);
        }

        var contentType = request.ContentType ?? "";
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await ReadJsonBodyAsync(request, values, cancellationToken);
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var (name, value) in form)
            {
                values[name] = JsonValue.Create(value.ToString());
            }
        }

        return new RequestParameters(values);
    }

    /// <summary>Throws PVE's 400 listing every offending parameter.</summary>
    public void Validate(IReadOnlyList<ParameterSpec> specs, IReadOnlyCollection<string> pathParameters)
    {
        var errors = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in this.values)
        {
            if (pathParameters.Contains(name))
            {
                continue;
            }

            var spec = specs.FirstOrDefault(s => s.Matches(name));
            var error = spec is null ? NotInSchema : Check(spec, value);
            if (error is not null)
            {
                errors[name] = error;
            }
        }

        if (errors.Count > 0)
        {
            throw PveApiException.InvalidParameters(errors);
        }
    }

    /// <summary>Every parameter's name, for handlers that take families of keys (netN, mpN).</summary>
    public IEnumerable<string> Names => this.values.Keys;

    public string? GetString(string name) => this.values.TryGetValue(name, out var value) ? Text(value) : null;

    /// <summary>The value of a validated integer parameter.</summary>
    public long? GetInteger(string name) =>
        this.values.TryGetValue(name, out var value) && value is not null
            ? long.Parse(Text(value), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : null;

    /// <summary>The value of a validated boolean parameter.</summary>
    public bool? GetBoolean(string name) =>
        this.values.TryGetValue(name, out var value) && value is not null
            ? Text(value) is "1" or "true"
            : null;

    private static async Task ReadJsonBodyAsync(HttpRequest request, Dictionary<string, JsonNode?> values, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw new PveApiException(400, "malformed JSON string in request body");
        }

        if (body is not JsonObject fields)
        {
            throw new PveApiException(400, "malformed JSON request body: expected an object");
        }

        foreach (var (name, value) in fields)
        {
            values[name] = value?.DeepClone();
        }
    }

    private static string? Check(ParameterSpec spec, JsonNode? value)
    {
        var text = Text(value);
        switch (spec.Type)
        {
            case ParameterType.Integer:
                if (!IntegerPattern().IsMatch(text) || !long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                {
                    return $"type check ('integer') failed - got '{text}'";
                }

                return number < spec.Minimum ? $"value must have a minimum value of {spec.Minimum}" : null;
            case ParameterType.Boolean:
                // JSON true/false decode to booleans; form text "true" stays a string and PVE refuses it.
                var isJsonBoolean = value is JsonValue jsonValue && jsonValue.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
                return isJsonBoolean || text is "0" or "1" ? null : $"type check ('boolean') failed - got '{text}'";
            default:
                return spec.AllowedValues is { } allowed && !allowed.Contains(text)
                    ? $"value '{text}' does not have a value in the enumeration '{string.Join(", ", allowed)}'"
                    : null;
        }
    }

    private static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "false",
        _ => value.ToJsonString(),
    };

    [GeneratedRegex(@"^[+-]?\d+$")]
    private static partial Regex IntegerPattern();
}
