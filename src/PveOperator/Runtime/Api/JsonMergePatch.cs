using System.Text.Json.Nodes;

namespace PveOperator.Runtime;

/// <summary>Builds RFC 7386 JSON merge patches.</summary>
internal static class JsonMergePatch
{
    /// <summary>
    /// A patch that turns <paramref name="original"/> into <paramref name="modified"/> while sending
    /// all of <paramref name="modified"/>: every member of it, plus an explicit null for each member
    /// the original has and the modified lacks. Without those nulls a merge patch would keep a field
    /// that the new value dropped (KubernetesJson omits null members). Arrays are replaced whole, as
    /// merge patches always do.
    /// </summary>
    public static JsonNode? Create(JsonNode? original, JsonNode? modified)
    {
        if (modified is not JsonObject modifiedObject)
        {
            return modified?.DeepClone();
        }

        var originalObject = original as JsonObject;
        var patch = new JsonObject();
        foreach (var (name, value) in modifiedObject)
        {
            patch[name] = Create(originalObject?[name], value);
        }

        if (originalObject is not null)
        {
            foreach (var (name, _) in originalObject)
            {
                if (!modifiedObject.ContainsKey(name))
                {
                    patch[name] = null;
                }
            }
        }

        return patch;
    }
}
