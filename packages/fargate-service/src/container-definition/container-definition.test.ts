import { ecrRepositoryArn, imageUri, secretValueFrom } from "./container-definition";

const digest = `sha256:${"f".repeat(64)}`;

describe("container definition helpers", () => {
  it("references images by digest", () => {
    expect(imageUri({ repositoryUrl: "127.0.0.1:5001/web", digest })).toBe(`127.0.0.1:5001/web@${digest}`);
  });

  it("derives the repository ARN from a literal ECR URL, in either partition", () => {
    expect(
      ecrRepositoryArn({ repositoryUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web", digest }),
    ).toBe("arn:aws:ecr:eu-west-1:123456789012:repository/team/web");
    expect(
      ecrRepositoryArn({ repositoryUrl: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web", digest }),
    ).toBe("arn:aws-cn:ecr:cn-north-1:123456789012:repository/web");
    expect(ecrRepositoryArn({ repositoryUrl: "ghcr.io/acme/web", digest })).toBeUndefined();
    expect(
      ecrRepositoryArn({
        repositoryUrl: "ghcr.io/acme/web",
        digest,
        repositoryArn: "arn:aws:ecr:x:1:repository/y",
      }),
    ).toBe("arn:aws:ecr:x:1:repository/y");
  });

  it("selects a JSON key of a secret with the ECS valueFrom syntax", () => {
    expect(secretValueFrom({ arn: "arn:s", jsonKey: "username" })).toBe("arn:s:username::");
    expect(secretValueFrom({ arn: "arn:s" })).toBe("arn:s");
  });
});
