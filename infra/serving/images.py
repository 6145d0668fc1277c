"""The images the stack builds and pushes to its ECR repository, and which one each API runs.

`pulumi_docker_build.Image` (buildx and BuildKit) builds them during `pulumi up`:

- one runtime base per accelerator variant the spec needs (`cpu`, `cuda`, `neuron`), from
  the packaged `runtime/` source and Dockerfile, for the platforms its APIs' node groups
  run (multi-platform with Graviton groups);
- one image per API whose bundle has `requirements.txt` or `dependencies.sh`, `FROM` its
  base by digest.

What each builds, and its tag, is a content hash (`cortex_spec.api_images`); pods run
`<repository>@sha256:<digest>`, so a Deployment depends on its image and rolls exactly when
the image changes. `predictor.image` and `cluster.runtime_image` still win: then nothing is
built for that API.

Build contexts are written to `.cortex-infra/images/<sha256 of the files>/` under the
folder Pulumi runs the program in (the project's): a relative path that is the same on
every machine, holding only the files the Dockerfile copies (never the code, stack files or
secrets). The provider compares `context.location` and the context's contents on every
update (pulumi-docker-build `Image.Diff`), so an absolute or temporary path would rebuild,
and re-push an immutable tag, from every other machine.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pulumi
import pulumi_aws as aws
import pulumi_docker_build as docker_build

from cortex_spec import Spec, catalog, naming
from cortex_spec.api_bundles import GENERATED_DIR, bundle_root
from cortex_spec.api_dependencies import CONDA_PACKAGES, Dependencies, read_dependencies
from cortex_spec.api_images import (
    BUILD_HASH_LABEL,
    DEFAULT_PLATFORM,
    PLATFORMS,
    VARIANTS,
    Variant,
    api_dockerfile,
    api_hash,
    api_tag,
    base_hash,
    base_tag,
    image_platforms,
    overridden,
    runtime_dockerfile,
    runtime_files,
    variant_of,
)
from runtime.bundle import Bundle

BUILD_DIR: Final = Path(GENERATED_DIR)
CONTEXTS: Final = BUILD_DIR / "images"
_FILE_MODE: Final = 0o644  # the provider hashes modes too: one mode on every machine


def _context_hash(files: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name, data in sorted(files.items()):
        digest.update(f"{name}\n{len(data)}\n".encode())
        digest.update(data)
    return digest.hexdigest()


def _holds(folder: Path, files: Mapping[str, bytes]) -> bool:
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    return present == set(files) and all(
        (folder / name).read_bytes() == data for name, data in files.items()
    )


def write_context(files: Mapping[str, bytes]) -> str:
    """The build context holding exactly `files`, as a path relative to the working
    directory; written once per content, atomically (parallel plans may share it)."""
    target = CONTEXTS / _context_hash(files)
    if target.is_dir() and _holds(target, files):
        return target.as_posix()
    CONTEXTS.mkdir(parents=True, exist_ok=True)
    ignore = BUILD_DIR / ".gitignore"
    if not ignore.is_file():
        ignore.write_text("# Build contexts written by cortex-infra; never committed.\n*\n")
    partial = CONTEXTS / f".{target.name}.{os.getpid()}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    for name, data in files.items():
        path = partial / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(_FILE_MODE)
    shutil.rmtree(target, ignore_errors=True)
    try:
        partial.rename(target)
    except OSError:  # another process renamed the same content first
        shutil.rmtree(partial, ignore_errors=True)
    return target.as_posix()


def system_platforms(spec: Spec) -> set[str]:
    """The platforms of the system node group's instance types."""
    found = set()
    for name in spec.system_profile.instance_types:
        info = catalog.instance_type(name)
        if info is not None and info.arch in PLATFORMS:
            found.add(PLATFORMS[info.arch])
    return found or {DEFAULT_PLATFORM}


def by_digest(repository_url: pulumi.Output[str], digest: pulumi.Output[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat(repository_url, "@", digest)


@dataclass(frozen=True)
class ServingImagesArgs:
    spec: Spec
    repository_url: pulumi.Output[str]
    registry_id: pulumi.Output[str]
    # Predictor-form APIs' bundles by API name: their requirement files go into the images.
    bundles: Mapping[str, Bundle]


class ServingImages(pulumi.ComponentResource):
    """Base and API images; `image_for(api)` is the reference an API's pods run."""

    def __init__(
        self, name: str, args: ServingImagesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("cortex:infra:ServingImages", name, None, opts)
        self._name = name
        self._args = args
        spec = args.spec
        token = aws.ecr.get_authorization_token_output(
            registry_id=args.registry_id, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        # The provider keeps credentials in memory only and ignores a changed password
        # when it diffs (ECR tokens last 12 hours), so a new token never rebuilds.
        self._registries = [
            docker_build.RegistryArgs(
                address=args.repository_url.apply(lambda url: url.split("/", 1)[0]),
                username=token.user_name,
                password=pulumi.Output.secret(token.password),
            )
        ]
        self._dependencies = {
            api.name: read_dependencies(
                api.name, args.bundles[api.name], bundle_root(api.predictor).as_posix()
            )
            for api in (*spec.apis, *spec.jobs)
            if api.predictor is not None and api.name in args.bundles
        }
        self.images: dict[str, pulumi.Output[str]] = {}
        self.resources: dict[str, docker_build.Image] = {}
        bases = self._bases()
        self._cpu_base = bases.get("cpu")
        for api in (*spec.apis, *spec.jobs):
            dependencies = self._dependencies.get(api.name)
            override = overridden(api, spec.cluster)
            if override is not None:
                self._warn_unused(api.name, dependencies, override)
                self.images[api.name] = pulumi.Output.from_input(override)
                continue
            base = bases[variant_of(api)]
            if dependencies is None or dependencies.empty:
                self.images[api.name] = by_digest(args.repository_url, base.digest)
                self.resources[api.name] = base
                continue
            if dependencies.conda_packages:
                pulumi.log.warn(
                    f"API {api.name}: {dependencies.where(CONDA_PACKAGES)} is not installed "
                    "(the runtime image has no conda); list its packages in requirements.txt "
                    "or install them in dependencies.sh"
                )
            image = self._api_image(api.name, dependencies, base, image_platforms(api, spec))
            self.images[api.name] = by_digest(args.repository_url, image.digest)
            self.resources[api.name] = image
        self.register_outputs({})

    def _bases(self) -> dict[Variant, docker_build.Image]:
        """One base per variant some API runs on, for the union of their platforms."""
        spec = self._args.spec
        needed: dict[Variant, set[str]] = {}
        for api in (*spec.apis, *spec.jobs):
            if overridden(api, spec.cluster) is None:
                needed.setdefault(variant_of(api), set()).update(image_platforms(api, spec))
        if spec.cluster.runtime_image is None and any(api.is_async for api in spec.apis):
            # AsyncAPI gateways run the CPU base on the system nodes (gateway_image).
            needed.setdefault("cpu", set()).update(system_platforms(spec))
        if not needed:
            return {}
        files, dockerfile = runtime_files(), runtime_dockerfile()
        bases = {}
        for variant in (v for v in VARIANTS if v in needed):
            platforms = sorted(needed[variant])
            content = base_hash(variant, platforms, files, dockerfile)
            bases[variant] = self._image(
                f"{self._name}-base-{variant}",
                tag=base_tag(variant, content),
                content_hash=content,
                context=write_context(files),
                dockerfile=dockerfile,
                platforms=platforms,
                target=variant,
            )
        return bases

    def _api_image(
        self,
        api: str,
        dependencies: Dependencies,
        base: docker_build.Image,
        platforms: tuple[str, ...],
    ) -> docker_build.Image:
        dockerfile = api_dockerfile(dependencies)
        base_ref = by_digest(self._args.repository_url, base.digest)
        content = base_ref.apply(lambda ref: api_hash(ref, dockerfile, dependencies, platforms))
        return self._image(
            f"{self._name}-{api}",
            tag=content.apply(lambda value: api_tag(api, value)),
            content_hash=content,
            context=write_context(dict(dependencies.files)),
            dockerfile=dockerfile,
            platforms=list(platforms),
            build_args={"BASE_IMAGE": base_ref},
            api=api,
        )

    def _image(
        self,
        name: str,
        *,
        tag: pulumi.Input[str],
        content_hash: pulumi.Input[str],
        context: str,
        dockerfile: str,
        platforms: list[str],
        target: str | None = None,
        build_args: Mapping[str, pulumi.Input[str]] | None = None,
        api: str | None = None,
    ) -> docker_build.Image:
        labels: dict[str, pulumi.Input[str]] = {BUILD_HASH_LABEL: content_hash}
        if api is not None:
            labels[naming.API_TAG] = api
        return docker_build.Image(
            name,
            tags=[pulumi.Output.concat(self._args.repository_url, ":", tag)],
            context=docker_build.BuildContextArgs(location=context),
            dockerfile=docker_build.DockerfileArgs(inline=dockerfile),
            target=target,
            build_args=build_args,
            platforms=[docker_build.Platform(p) for p in platforms],
            labels=labels,
            push=True,
            registries=self._registries,
            # Previews run with a read-only role and must stay fast; the image is built,
            # and a broken requirements.txt found, at `pulumi up`.
            build_on_preview=False,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _warn_unused(self, api: str, dependencies: Dependencies | None, image: str) -> None:
        if dependencies is None or dependencies.empty:
            return
        files = " and ".join(dependencies.where(name) for name in dependencies.names)
        pulumi.log.warn(
            f"API {api} runs {image} (predictor.image or cluster.runtime_image): {files} "
            "not installed by the stack; that image must already hold its packages"
        )

    def gateway_image(self) -> pulumi.Output[str]:
        """What AsyncAPI gateways run on the system nodes: the CPU base (or the cluster's
        runtime_image, which replaces every stack-built image)."""
        override = self._args.spec.cluster.runtime_image
        if override is not None:
            return pulumi.Output.from_input(override)
        assert self._cpu_base is not None, "no CPU base: the spec has no AsyncAPI"
        return by_digest(self._args.repository_url, self._cpu_base.digest)

    def image_for(self, api: str) -> pulumi.Output[str]:
        """The image the API's serving container (or proxy sidecar) runs."""
        return self.images[api]
