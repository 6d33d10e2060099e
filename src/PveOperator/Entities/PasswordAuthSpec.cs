using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

public sealed class PasswordAuthSpec
{
    [Required]
    [StringLength(64, MinimumLength = 3)]
    [RegularExpression(@"^[^\s@!:]+@[^\s@!:]+$")]
    [Description("The PVE user, USER@REALM, e.g. root@pam.")]
    [JsonPropertyName("username")]
    public string Username { get; set; } = "";

    [Required]
    [Description("The Secret key that holds the password. The Secret must be in the operator's namespace and carry the label pve-operator.io/credentials: \"true\".")]
    [JsonPropertyName("secretRef")]
    public SecretKeyReference SecretRef { get; set; } = new();
}
