import {
  type ContainerNode,
  containerNodes,
  type NetworkAttachmentNode,
} from '../model/containers.ts';
import { type ImageNode, imageNodes } from '../model/images.ts';
import { type NetworkNode, networkNodes } from '../model/networks.ts';
import type { EngineNode } from '../model/system.ts';
import { type VolumeNode, volumeNodes } from '../model/volumes.ts';
import { builder } from './builder.ts';

/**
 * The node types, declared here and implemented in their own modules, which import each other's
 * refs from here only. Each loads through the model's loaders by key (`local/<docker id>`); a
 * resolver may also answer a whole node, which then answers later loads of its key.
 */
export const Container = builder.loadableNodeRef('Container', {
  id: { resolve: (container: ContainerNode) => container.key },
  load: (keys: string[], ctx) => containerNodes(ctx, keys),
  cacheResolved: (container) => container.key,
});

export const Image = builder.loadableNodeRef('Image', {
  id: { resolve: (image: ImageNode) => image.key },
  load: (keys: string[], ctx) => imageNodes(ctx, keys),
  cacheResolved: (image) => image.key,
});

export const Network = builder.loadableNodeRef('Network', {
  id: { resolve: (network: NetworkNode) => network.key },
  load: (keys: string[], ctx) => networkNodes(ctx, keys),
  cacheResolved: (network) => network.key,
});

export const Volume = builder.loadableNodeRef('Volume', {
  id: { resolve: (volume: VolumeNode) => volume.key },
  load: (keys: string[], ctx) => volumeNodes(ctx, keys),
  cacheResolved: (volume) => volume.key,
});

/** An engine: its lists (containers, images, …) are declared by their own modules. */
export const Engine = builder.objectRef<EngineNode>('Engine');

/** A container on a network: reached from either side, so declared with the nodes. */
export const NetworkAttachment = builder.objectRef<NetworkAttachmentNode>('NetworkAttachment');
