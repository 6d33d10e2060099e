using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

/// <summary>Which namespaces' LxcContainers may use a provider (the model is Gateway API's allowedRoutes).</summary>
public sealed class AllowedNamespaces
{
    [MaxItems(256)]
    [ItemStringLength(63)]
    [Description("Namespaces allowed by name.")]
    [JsonPropertyName("names")]
    public List<string>? Names { get; set; }

    [Description("Namespaces allowed by their labels. A namespace is allowed when it is named in names or matches this selector.")]
    [JsonPropertyName("selector")]
    public NamespaceLabelSelector? Selector { get; set; }
}
