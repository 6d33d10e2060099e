using System.ComponentModel;
using System.Text.Json.Serialization;

namespace PveOperator.Entities;

[Description("LXC features (PVE features). Applied at the next start. PVE lets only root@pam change anything but nesting, and anything at all on a privileged container.")]
public sealed class FeaturesSpec
{
    [Description("Allow nested containers (e.g. Docker or systemd services that need it).")]
    [JsonPropertyName("nesting")]
    public bool? Nesting { get; set; }

    [Description("Allow the keyctl() system call (Docker in an unprivileged container). root@pam only.")]
    [JsonPropertyName("keyctl")]
    public bool? Keyctl { get; set; }

    [Description("Allow FUSE mounts. root@pam only.")]
    [JsonPropertyName("fuse")]
    public bool? Fuse { get; set; }
}
