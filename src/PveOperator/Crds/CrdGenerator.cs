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

    public static JsonObject Generate(Type entityType)
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
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
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

    public static string GenerateYaml(Type entityType) => YamlWriter.Write(Generate(entityType));

    /// <summary>Writes every CRD into the folder; returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(string directory)
    {
        Directory.CreateDirectory(directory);
        return EntityTypes.Select(type =>
        {
            var path = Path.Combine(directory, FileName(type));
            File.WriteAllText(path, GenerateYaml(type));
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

            AddOneOf(context.TypeInfo.Type, schema);
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
                case MaxLengthAttribute maxItems:
                    schema["maxItems"] = maxItems.Length;
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

            schema["type"] = nonNull[0];
            if (named.Contains("null"))
            {
                schema["nullable"] = true;
            }
        }

        if (schema["enum"] is JsonArray values)
        {
            var kept = values.Where(v => v is not null).Select(v => v!.DeepClone()).ToArray();
            schema["enum"] = new JsonArray(kept);
            schema["type"] ??= "string";
            if (kept.Length != values.Count)
            {
                schema["nullable"] = true;
            }
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                MakeStructural((JsonObject)child!, $"{path}.{name}");
            }
        }

        if (schema["items"] is JsonObject items)
        {
            MakeStructural(items, $"{path}[]");
            // Lists never hold nulls; a nullable item would only weaken validation.
            items.Remove("nullable");
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            MakeStructural(additional, $"{path}{{}}");
        }
    }
}
