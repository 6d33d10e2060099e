using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using PveOperator.Entities;

namespace PveOperator.Crds;

/// <summary>
/// Builds CustomResourceDefinitions from the entity types: the schema comes from System.Text.Json's
/// exporter, made structural (one type per node, nullable flags, no $ref) and enriched from attributes.
/// </summary>
internal static class CrdGenerator
{
    private static readonly JsonSerializerOptions SchemaOptions = new(JsonSerializerDefaults.General)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        RespectNullableAnnotations = true,
    };

    public static IReadOnlyList<Type> EntityTypes { get; } = [typeof(V1Alpha1ProxmoxProvider), typeof(V1Alpha1LxcContainer)];

    /// <summary>File name under config/crds, as kubebuilder names them.</summary>
    public static string FileName(Type entityType)
    {
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>()!;
        return $"{entity.Group}_{entity.PluralName}.yaml";
    }

    /// <summary>Where hack/generate-crds.sh writes each variant, relative to the repository root.</summary>
    public static string DirectoryOf(CrdVariant variant) => variant switch
    {
        CrdVariant.Shipped => Path.Combine("config", "crds"),
        _ => Path.Combine("config", "crds-without-cel"),
    };

    public static JsonObject Generate(Type entityType, CrdVariant variant = CrdVariant.Shipped)
    {
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{entityType.Name} has no [KubernetesEntity]", nameof(entityType));
        var resource = entityType.GetCustomAttribute<CustomResourceAttribute>() ?? new CustomResourceAttribute();
        var (specType, statusType) = SpecAndStatusTypes(entityType);

        var root = new JsonObject
        {
            ["type"] = "object",
            ["description"] = entityType.GetCustomAttribute<DescriptionAttribute>()?.Description ?? entity.Kind,
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = ApiVersionDescription },
                ["kind"] = new JsonObject { ["type"] = "string", ["description"] = KindDescription },
                // The API server refuses anything but the type here; kubectl explain shows ObjectMeta's own description.
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["spec"] = ExportSchema(specType),
                ["status"] = ExportSchema(statusType),
            },
            ["required"] = new JsonArray("spec"),
        };

        var version = new JsonObject
        {
            ["name"] = entity.ApiVersion,
            ["served"] = true,
            ["storage"] = true,
            ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
            ["additionalPrinterColumns"] = new JsonArray(entityType.GetCustomAttributes<PrinterColumnAttribute>()
                .Select(column => (JsonNode)new JsonObject
                {
                    ["name"] = column.Name,
                    ["type"] = column.Type,
                    ["jsonPath"] = column.JsonPath,
                    ["priority"] = column.Priority,
                }).ToArray()),
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = root },
        };

        var names = new JsonObject
        {
            ["kind"] = entity.Kind,
            ["listKind"] = entity.Kind + "List",
            ["plural"] = entity.PluralName,
            ["singular"] = entity.Kind.ToLowerInvariant(),
        };
        if (resource.ShortNames.Length > 0)
        {
            names["shortNames"] = new JsonArray(resource.ShortNames.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());
        }

        if (resource.Categories.Length > 0)
        {
            names["categories"] = new JsonArray(resource.Categories.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());
        }

        if (variant == CrdVariant.WithoutCelRules)
        {
            RemoveValidationRules(root);
        }

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{entity.PluralName}.{entity.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = entity.Group,
                ["names"] = names,
                ["scope"] = resource.Scope == ResourceScope.Cluster ? "Cluster" : "Namespaced",
                ["versions"] = new JsonArray(version),
            },
        };
    }

    public static string GenerateYaml(Type entityType, CrdVariant variant = CrdVariant.Shipped) => YamlWriter.Write(Generate(entityType, variant));

    /// <summary>Writes every CRD of the variant into the folder; returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(string directory, CrdVariant variant = CrdVariant.Shipped)
    {
        Directory.CreateDirectory(directory);
        return EntityTypes.Select(type =>
        {
            var path = Path.Combine(directory, FileName(type));
            File.WriteAllText(path, GenerateYaml(type, variant));
            return path;
        }).ToList();
    }

    private static (Type Spec, Type Status) SpecAndStatusTypes(Type entityType)
    {
        var specType = entityType.GetInterfaces().Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISpec<>)).GetGenericArguments()[0];
        var statusType = entityType.GetInterfaces().Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IStatus<>)).GetGenericArguments()[0];
        return (specType, statusType);
    }

    private static JsonObject ExportSchema(Type type)
    {
        var exporterOptions = new JsonSchemaExporterOptions { TransformSchemaNode = ApplyAttributes };
        var node = SchemaOptions.GetJsonSchemaAsNode(type, exporterOptions);
        var schema = node as JsonObject ?? throw new InvalidOperationException($"schema of {type.Name} is not an object");
        schema.Remove("$schema");
        MakeStructural(schema, type.Name);
        schema.Remove("nullable");
        if (schema["description"] is null)
        {
            throw new InvalidOperationException($"{type.Name} needs a [Description]: kubectl explain shows it for the whole object");
        }

        return schema;
    }

    private static JsonNode ApplyAttributes(JsonSchemaExporterContext context, JsonNode node)
    {
        if (node is not JsonObject schema)
        {
            return node;
        }

        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            // Kubernetes reads "required" from the object's node, so [Required] on members is gathered here;
            // for a nested object (spec.secretRef) that node is also the node of the property that holds it.
            var required = context.TypeInfo.Properties
                .Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
                .Select(p => (JsonNode)JsonValue.Create(p.Name)!)
                .ToArray();
            if (required.Length > 0)
            {
                schema["required"] = new JsonArray(required);
            }

            // The type's own description and rules; a property's attributes below refine them.
            if (context.TypeInfo.Type.GetCustomAttribute<DescriptionAttribute>() is { } typeDescription)
            {
                schema["description"] = typeDescription.Description;
            }

            foreach (var rule in context.TypeInfo.Type.GetCustomAttributes<ValidationRuleAttribute>())
            {
                AddRule(schema, rule);
            }

            AddOneOf(context.TypeInfo.Type, schema);
        }

        if (context.PropertyInfo is { } property
            && ExternalDescriptions.TryGetValue((property.DeclaringType, property.Name), out var external))
        {
            schema["description"] = external;
        }

        var attributes = context.PropertyInfo?.AttributeProvider;
        if (attributes is null)
        {
            return schema;
        }

        foreach (var attribute in attributes.GetCustomAttributes(inherit: true))
        {
            switch (attribute)
            {
                case DescriptionAttribute description:
                    schema["description"] = description.Description;
                    break;
                case ValidationRuleAttribute rule:
                    AddRule(schema, rule);
                    break;
                case ListTypeAttribute list:
                    schema["x-kubernetes-list-type"] = list.Type.ToString().ToLowerInvariant();
                    if (list.MapKeys.Count > 0)
                    {
                        schema["x-kubernetes-list-map-keys"] = new JsonArray(list.MapKeys.Select(k => (JsonNode)JsonValue.Create(k)!).ToArray());
                    }

                    break;
                case AcceptsNullAttribute:
                    schema["nullable"] = true;
                    break;
                case RegularExpressionAttribute pattern:
                    schema["pattern"] = pattern.Pattern;
                    break;
                case RangeAttribute range:
                    schema["minimum"] = JsonValue.Create(Convert.ToInt64(range.Minimum, System.Globalization.CultureInfo.InvariantCulture));
                    schema["maximum"] = JsonValue.Create(Convert.ToInt64(range.Maximum, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case StringLengthAttribute length:
                    schema["maxLength"] = length.MaximumLength;
                    if (length.MinimumLength > 0)
                    {
                        schema["minLength"] = length.MinimumLength;
                    }

                    break;
                case MaxItemsAttribute maxItems:
                    schema["maxItems"] = maxItems.Maximum;
                    break;
                case ItemStringLengthAttribute itemLength when schema["items"] is JsonObject items:
                    items["maxLength"] = itemLength.MaximumLength;
                    break;
                case MaxPropertiesAttribute maxProperties:
                    schema["maxProperties"] = maxProperties.Maximum;
                    if (schema["additionalProperties"] is JsonObject values)
                    {
                        values["maxLength"] = maxProperties.MapStringLength;
                    }

                    break;
                case DefaultValueAttribute { Value: { } value }:
                    schema["default"] = JsonSerializer.SerializeToNode(value, value.GetType());
                    break;
            }
        }

        return schema;
    }

    /// <summary>
    /// Exactly one group of [OneOfRequired] properties: each branch requires its group and forbids every property of
    /// the other groups, so two groups given together match no branch (and neither does none).
    /// </summary>
    private static void AddOneOf(Type type, JsonObject schema)
    {
        if (type.GetCustomAttribute<AnyOfRequiredAttribute>() is { } anyOf)
        {
            schema["anyOf"] = new JsonArray(anyOf.Properties.Select(p => (JsonNode)new JsonObject { ["required"] = new JsonArray(JsonValue.Create(p)) }).ToArray());
        }

        var groups = type.GetCustomAttributes<OneOfRequiredAttribute>().Select(g => g.Properties).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        var branches = groups.Select(group =>
        {
            var others = groups.Where(g => !ReferenceEquals(g, group)).SelectMany(g => g).ToList();
            var branch = new JsonObject { ["required"] = new JsonArray(group.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray()) };
            if (others.Count > 0)
            {
                branch["not"] = new JsonObject
                {
                    ["anyOf"] = new JsonArray(others.Select(p => (JsonNode)new JsonObject { ["required"] = new JsonArray(JsonValue.Create(p)) }).ToArray()),
                };
            }

            return (JsonNode)branch;
        }).ToArray();
        schema["oneOf"] = new JsonArray(branches);
    }

    /// <summary>Rewrites the exporter's output into what a Kubernetes structural schema allows.</summary>
    private static void MakeStructural(JsonObject schema, string path)
    {
        if (schema.ContainsKey("$ref"))
        {
            throw new InvalidOperationException($"{path}: recursive types cannot be expressed in a CRD schema");
        }

        schema.Remove("$comment");

        if (schema["type"] is JsonArray types)
        {
            var named = types.Select(t => t!.GetValue<string>()).ToList();
            var nonNull = named.Where(t => t != "null").ToList();
            if (nonNull.Count != 1)
            {
                throw new InvalidOperationException($"{path}: a CRD schema needs exactly one type, got [{string.Join(", ", named)}]");
            }

            // A C# null means "omitted" (the serializer leaves it out), so the schema stays non-nullable unless
            // the property says null is a value ([AcceptsNull]).
            schema["type"] = nonNull[0];
        }

        if (schema["enum"] is JsonArray values)
        {
            schema["enum"] = new JsonArray(values.Where(v => v is not null).Select(v => v!.DeepClone()).ToArray());
            schema["type"] ??= "string";
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                MakeStructural((JsonObject)child!, $"{path}.{name}");
                if (child!["description"] is null)
                {
                    throw new InvalidOperationException(
                        $"{path}.{name} needs a [Description] (or its type one): kubectl explain and the OpenAPI document show it");
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            MakeStructural(items, $"{path}[]");
            // Lists never hold nulls; a nullable item would only weaken validation.
            items.Remove("nullable");
        }

        CheckListType(schema, path);

        if (schema["additionalProperties"] is JsonObject additional)
        {
            MakeStructural(additional, $"{path}{{}}");
        }
    }

    private const string ApiVersionDescription =
        "The versioned schema of this representation of an object; the server converts recognised schemas to the latest internal value.";

    private const string KindDescription = "The REST resource this object represents, in CamelCase.";

    /// <summary>Descriptions of fields of types the operator does not own (their source carries no attributes), by JSON name.</summary>
    private static readonly Dictionary<(Type?, string), string> ExternalDescriptions = new()
    {
        [(typeof(V1Condition), "type")] = "The condition's type: Ready, Reconciling or Stalled.",
        [(typeof(V1Condition), "status")] = "True, False or Unknown.",
        [(typeof(V1Condition), "reason")] = "Why the condition has its status, as one CamelCase word.",
        [(typeof(V1Condition), "message")] = "What happened, for people.",
        [(typeof(V1Condition), "observedGeneration")] = "The metadata.generation the condition was set for.",
        [(typeof(V1Condition), "lastTransitionTime")] = "When the status last changed.",
    };

    private static void AddRule(JsonObject schema, ValidationRuleAttribute rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Rule) || string.IsNullOrWhiteSpace(rule.Message) || rule.Message.Contains('\n', StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"rule '{rule.Rule}' needs a one-line message");
        }

        var entry = new JsonObject { ["rule"] = rule.Rule, ["message"] = rule.Message };
        if (rule.MessageExpression is { } expression)
        {
            entry["messageExpression"] = expression;
        }

        if (rule.FieldPath is { } fieldPath)
        {
            entry["fieldPath"] = fieldPath.StartsWith('.') ? fieldPath
                : throw new InvalidOperationException($"rule '{rule.Rule}': fieldPath '{fieldPath}' must start with '.'");
        }

        if (rule.Reason != ValidationReason.FieldValueInvalid)
        {
            entry["reason"] = rule.Reason.ToString();
        }

        if (schema["x-kubernetes-validations"] is not JsonArray rules)
        {
            rules = [];
            schema["x-kubernetes-validations"] = rules;
        }

        rules.Add(entry);
    }

    /// <summary>What the API server demands of list types, checked here so that a wrong attribute fails the generator, not the install.</summary>
    private static void CheckListType(JsonObject schema, string path)
    {
        if (schema["x-kubernetes-list-type"] is not JsonValue listType)
        {
            return;
        }

        if (schema["type"]?.GetValue<string>() != "array" || schema["items"] is not JsonObject items)
        {
            throw new InvalidOperationException($"{path}: [ListType] belongs on a list");
        }

        var keys = schema["x-kubernetes-list-map-keys"] as JsonArray;
        switch (listType.GetValue<string>())
        {
            case "map":
                if (items["properties"] is not JsonObject itemProperties || keys is null || keys.Count == 0)
                {
                    throw new InvalidOperationException($"{path}: a map list needs object items and at least one key");
                }

                if (items["required"] is not JsonArray required)
                {
                    required = [];
                    items["required"] = required;
                }

                foreach (var key in keys.Select(k => k!.GetValue<string>()))
                {
                    if (itemProperties[key] is not JsonObject keySchema || keySchema["type"]?.GetValue<string>() is "object" or "array")
                    {
                        throw new InvalidOperationException($"{path}: map key '{key}' must be a scalar field of the items");
                    }

                    // The API server refuses a map item without its key, and a key cannot be null.
                    keySchema.Remove("nullable");
                    if (!required.Any(r => r!.GetValue<string>() == key))
                    {
                        required.Add(key);
                    }
                }

                break;
            case "set":
                if (keys is not null || items["type"]?.GetValue<string>() is "object" or "array")
                {
                    throw new InvalidOperationException($"{path}: a set list holds scalars and has no keys");
                }

                break;
            default:
                if (keys is not null)
                {
                    throw new InvalidOperationException($"{path}: only a map list has keys");
                }

                break;
        }
    }

    private static void RemoveValidationRules(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("x-kubernetes-validations");
                foreach (var (_, child) in obj)
                {
                    RemoveValidationRules(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    RemoveValidationRules(child);
                }

                break;
        }
    }
}
