using System.Globalization;
using System.Net;

namespace PveOperator.Hosting;

/// <summary>A controller-runtime style bind address: ":8080", "127.0.0.1:8080", "[::1]:8080", or "0" for off.</summary>
internal static class BindAddress
{
    public static IPEndPoint? Parse(string text, string flag)
    {
        if (text is "0" or "")
        {
            return null;
        }

        var colon = text.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"--{flag} \"{text}\" must look like :8080 or 127.0.0.1:8080, or be 0 to turn it off");
        }

        var host = text[..colon].Trim('[', ']');
        if (host.Length == 0)
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        return IPAddress.TryParse(host, out var address)
            ? new IPEndPoint(address, port)
            : host == "localhost"
                ? new IPEndPoint(IPAddress.Loopback, port)
                : throw new ArgumentException($"--{flag}: \"{host}\" is not an IP address");
    }
}
