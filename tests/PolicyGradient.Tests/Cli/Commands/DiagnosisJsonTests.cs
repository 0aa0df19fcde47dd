using PolicyGradient.Cli.Commands;
using Xunit;

namespace PolicyGradient.Tests.Cli.Commands;

public class DiagnosisJsonTests
{
    [Fact]
    public void NonFiniteNumbersBecomeNullAndTheKeyOrderIsKept()
    {
        var values = new Dictionary<string, object>
        {
            ["estimator"] = "mc", ["total_variance"] = 2.5, ["gsnr"] = double.NaN, ["cosine_to_reference"] = double.PositiveInfinity, ["group_size"] = 4,
        };
        Assert.Equal("{\"estimator\":\"mc\",\"total_variance\":2.5,\"gsnr\":null,\"cosine_to_reference\":null,\"group_size\":4}", DiagnosisJson.Line(values));
    }
}
