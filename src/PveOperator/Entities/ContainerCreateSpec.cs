using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[OneOfRequired("template")]
[OneOfRequired("clone")]
[ValidationRule("has(self.template) != has(self.clone)", "create needs exactly one of template (an ostemplate volume) and clone (a container to copy)")]
[ValidationRule("!has(self.template) || has(self.storage)", "create.storage is required with create.template: it is where the root disk is allocated, e.g. local-lvm")]
[ValidationRule("has(self.template) || (!has(self.rootfsSize) && !has(self.unprivileged) && !has(self.rootPasswordSecretRef) && !has(self.sshPublicKeys))",
    "rootfsSize, unprivileged, rootPasswordSecretRef and sshPublicKeys apply to create.template only: a clone copies them from its source")]
[Description("Create the container when it does not exist: from an ostemplate volume or as a clone. Cannot be changed once set.")]
public sealed class ContainerCreateSpec
{
    [StringLength(255, MinimumLength = 1)]
    [RegularExpression(TemplatePattern)]
    [Description("An ostemplate volume, STORAGE:vztmpl/FILE, e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst. Exactly one of template and clone.")]
    [JsonPropertyName("template")]
    public string? Template { get; set; }

    [Description("A container to clone, usually a template. Exactly one of template and clone.")]
    [JsonPropertyName("clone")]
    public CloneSource? Clone { get; set; }

    [StringLength(64, MinimumLength = 1)]
    [RegularExpression(@"^[a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]$")]
    [Description("The storage of the root disk: required with template; the target storage of a full clone (omitted: the source's).")]
    [JsonPropertyName("storage")]
    public string? Storage { get; set; }

    [StringLength(8, MinimumLength = 3)]
    [RegularExpression(@"^[1-9][0-9]{0,4}Gi$")]
    // No schema default: the API server would add it to clones too, which the rule above refuses.
    [Description("Size of the root disk in whole GiB, as a Kubernetes quantity such as 8Gi. Template only; default 8Gi.")]
    [JsonPropertyName("rootfsSize")]
    public string? RootfsSize { get; set; }

    [Description("Create an unprivileged container (PVE's default). Template only; default true. A privileged one needs Sys.Modify on / in PVE.")]
    [JsonPropertyName("unprivileged")]
    public bool? Unprivileged { get; set; }

    [Description("The root password inside the container, from a Secret in this namespace. Template only; sent once at creation, never stored in status.")]
    [JsonPropertyName("rootPasswordSecretRef")]
    public LocalSecretKeyReference? RootPasswordSecretRef { get; set; }

    [MaxItems(32)]
    [ItemStringLength(16384)]
    [Description("OpenSSH public keys for root, e.g. \"ssh-ed25519 AAAA... admin@example\". Template only.")]
    [JsonPropertyName("sshPublicKeys")]
    public List<string>? SshPublicKeys { get; set; }

    /// <summary>PVE's vztmpl volume name (pve-storage's VZTMPL_EXT_RE_1: .tar with an optional compression).</summary>
    public const string TemplatePattern = @"^[a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]:vztmpl/[^/\s]+\.(tar|tar\.gz|tar\.xz|tar\.zst|tar\.bz2)$";

    public const string DefaultRootfsSize = "8Gi";
}
