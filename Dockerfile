# claimcheck as a container image: the compiled CLI, its production dependencies and fixtures.
#   docker build -t claimcheck .
#   docker run --rm -v "$PWD/results:/results" claimcheck sweep --preset small --axis m=1..8:log \
#     --axis eta=0.1..1:log --grid 3 --out /results/sweep
# The entrypoint is `node bin/claimcheck.js`; CLAIMCHECK_REPORTS=/results is the default results folder.
# Sharded runs (Kubernetes Indexed Job, CI matrix): README "Scale-out".

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# scripts are skipped here (the `prepare` build needs the sources, copied next); the optional
# tfjs-node (a native TensorFlow download) is left out: the image runs the wasm backend, the same
# arithmetic on every machine
RUN npm ci --ignore-scripts --no-audit --no-fund && rm -rf node_modules/@tensorflow/tfjs-node
COPY tsconfig.json ./
COPY src ./src
COPY properties ./properties
COPY bench ./bench
COPY bin ./bin
COPY fixtures ./fixtures
RUN npx tsc -p tsconfig.json && npm prune --omit=dev --no-audit --no-fund && rm -rf node_modules/@tensorflow/tfjs-node

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CLAIMCHECK_BACKEND=wasm \
    CLAIMCHECK_REPORTS=/results
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/fixtures ./fixtures
RUN mkdir -p /results && chown node:node /results
USER node
ENTRYPOINT ["node", "bin/claimcheck.js"]
CMD ["--help"]
